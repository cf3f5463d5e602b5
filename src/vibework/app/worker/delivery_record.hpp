#pragma once
// The two effects of a delivered notification, each safe to repeat, so a redelivered event (or
// one that crashed the worker halfway) has them exactly once:
//  1. MongoDB: deliveredAt is set only while it is absent (a conditional update: repeating it
//     changes nothing);
//  2. Redis: the user's unread counter (notifications:unread:<userId>) is incremented in one Lua
//     script together with a marker keyed by the event id (SET NX with a TTL): a second run
//     finds the marker and leaves the counter alone.
// Step 1 runs before step 2 and both run again on every redelivery, so a crash between them is
// finished by the next delivery; the event is acked only after both.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "vibework/infra/asio.hpp"
#include "vibework/models/notification.hpp"

namespace vibework::redis {
class Client;
}

namespace vibework::app::worker {

struct DeliveryKeys {
  // How long the marker of a counted event lives: as long as Pub/Sub keeps an unacked message
  // (7 days of retention on the worker subscription) plus as long as dead-letter-review keeps it
  // for a replay, so no redelivery can outlive it.
  std::chrono::seconds marker_ttl{14 * 24 * 3600};

  static std::string unread_counter(std::string_view user_id) { return "notifications:unread:" + std::string(user_id); }
  static std::string marker(std::string_view event_id) { return "notifications:delivered:" + std::string(event_id); }
};

enum class Marked { now, already, missing };  // deliveredAt set by us, set before, no such notification

class DeliveryRecord {
 public:
  DeliveryRecord(mongodb::Database& db, redis::Client& redis, DeliveryKeys keys = {});

  // Step 1. `missing`: no notification with this id belongs to this user (deleted, or never was).
  awaitable<Marked> mark_delivered(mongodb::ObjectId notification_id, std::string user_id);
  // Step 2. The counter's new value, or nullopt when this event was counted before.
  awaitable<std::optional<std::int64_t>> count_once(std::string event_id, std::string user_id);

 private:
  models::Notification notifications_;
  redis::Client& redis_;
  DeliveryKeys keys_;
};

}  // namespace vibework::app::worker
