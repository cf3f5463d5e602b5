#include "vibework/app/worker/notification_handler.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "vibework/app/pubsub_resources.hpp"
#include "vibework/app/worker/notification_created.hpp"
#include "vibework/pubsub/subscriber.hpp"

namespace vibework::app::worker {

std::string_view to_string(Outcome outcome) {
  switch (outcome) {
    case Outcome::delivered: return "delivered";
    case Outcome::duplicate: return "duplicate";
    case Outcome::missing: return "missing";
    case Outcome::ignored: return "ignored";
    case Outcome::failed: return "failed";
    case Outcome::poison: return "poison";
  }
  return "?";
}

std::string retry_note(int delivery_attempt) {
  // Pub/Sub counts attempts only with a dead-letter policy; 0 means it does not.
  if (delivery_attempt <= 0) return "nacked for redelivery";
  if (delivery_attempt >= MAX_DELIVERY_ATTEMPTS) {
    return fmt::format("attempt {} of {}: nacked, Pub/Sub now moves it to the {} topic", delivery_attempt,
                       MAX_DELIVERY_ATTEMPTS, topics::DEAD_LETTER);
  }
  return fmt::format("attempt {} of {}: nacked for redelivery", delivery_attempt, MAX_DELIVERY_ATTEMPTS);
}

NotificationCreatedHandler::NotificationCreatedHandler(DeliveryRecord& record, std::string subscription)
    : record_(record), subscription_(std::move(subscription)) {}

awaitable<Outcome> NotificationCreatedHandler::handle(pubsub::Message& message) {
  auto parsed = parse_notification_created(message);
  if (auto* bad = std::get_if<Malformed>(&parsed)) {
    spdlog::warn("worker: poison message {} on {} (event {}): {}; {}", message.message_id, subscription_,
                 event_id_of(message), bad->why, retry_note(message.delivery_attempt));
    message.nack();
    co_return Outcome::poison;
  }
  const auto& event = std::get<NotificationCreated>(parsed);
  const auto notification_id = event.notification_id.to_string();
  try {
    const auto marked = co_await record_.mark_delivered(event.notification_id, event.user_id);
    if (marked.marked == Marked::missing) {
      spdlog::info("worker: notification {} of user {} no longer exists: event {} acked without effect", notification_id,
                   event.user_id, event.event_id);
      message.ack();
      co_return Outcome::missing;
    }
    // Read before it was delivered: nothing to count (and a redelivery of a counted event needs no count either).
    std::optional<std::int64_t> counted;
    if (marked.unread) counted = co_await record_.count_once(event.event_id, event.user_id);
    message.ack();
    if (!counted && marked.marked == Marked::already) {
      spdlog::info("worker: duplicate of event {} (notification {}, attempt {}): already delivered, acked", event.event_id,
                   notification_id, message.delivery_attempt);
      co_return Outcome::duplicate;
    }
    spdlog::info("worker: delivered notification.created {} to user {} (event {}, attempt {}){}", notification_id,
                 event.user_id, event.event_id, message.delivery_attempt,
                 marked.unread ? "" : ": already read, not counted as unread");
    co_return Outcome::delivered;
  } catch (const std::exception& e) {
    spdlog::warn("worker: notification.created {} (event {}, message {}) failed: {}; {}", notification_id,
                 event.event_id, message.message_id, e.what(), retry_note(message.delivery_attempt));
  }
  message.nack();
  co_return Outcome::failed;
}

}  // namespace vibework::app::worker
