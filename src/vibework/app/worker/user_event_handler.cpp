#include "vibework/app/worker/user_event_handler.hpp"

#include <boost/json/parse.hpp>
#include <spdlog/spdlog.h>

#include "vibework/app/events/outbox_store.hpp"
#include "vibework/app/worker/notification_created.hpp"
#include "vibework/pubsub/subscriber.hpp"

namespace vibework::app::worker {

namespace json = boost::json;

namespace {
std::string string_at(const json::value& v, std::string_view key) {
  const auto* o = v.if_object();
  const auto* s = o == nullptr ? nullptr : o->if_contains(key);
  return s != nullptr && s->is_string() ? std::string(s->as_string()) : std::string();
}

// The user's id in the forms a user event may take: {"userId"} or {"user": {"id"}}.
std::string user_id_of(const json::value& data) {
  auto id = string_at(data, "userId");
  if (id.empty() && data.is_object()) {
    if (const auto* user = data.as_object().if_contains("user")) id = string_at(*user, "id");
  }
  return id.empty() ? "?" : id;
}
}  // namespace

Outcome UserEventHandler::handle(pubsub::Message& message) const {
  boost::system::error_code ec;
  const auto data = json::parse(message.data, ec);
  std::string type;
  if (auto it = message.attributes.find(events::EVENT_TYPE_ATTRIBUTE); it != message.attributes.end()) type = it->second;
  if (type.empty() && !ec) type = string_at(data, "event");
  if (type.empty()) {
    spdlog::warn("worker: poison message {} on {} (event {}): no eventType attribute and no \"event\" in the data; {}",
                 message.message_id, subscription_, event_id_of(message), retry_note(message.delivery_attempt));
    message.nack();
    return Outcome::poison;
  }
  message.ack();
  if (!type.starts_with("user.")) {
    spdlog::debug("worker: {} event {} on {} is not for this worker: acked", type, event_id_of(message), subscription_);
    return Outcome::ignored;
  }
  spdlog::info("worker: {} event {} for user {} (attempt {})", type, event_id_of(message),
               ec ? std::string("?") : user_id_of(data), message.delivery_attempt);
  return Outcome::delivered;
}

}  // namespace vibework::app::worker
