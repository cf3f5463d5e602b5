#pragma once
// The per-user unread counter in Redis, notifications:unread:<userId>: how many of the user's
// notifications the worker has delivered and the user has not read or deleted since (a badge
// count for a push channel). Two writers keep it, each change atomic with the MongoDB write
// that decides it:
//  - the worker counts a delivery once (count_once): INCR in one Lua script with a marker keyed
//    by the event id (SET NX with a TTL), and only when its setting of deliveredAt found the
//    notification unread;
//  - the API takes back (take) what a user's change removes: marking a delivered notification
//    read, deleting a delivered unread one, read-all's delivered unread ones.
// Whichever order the two run in, the sum is right (DECRBY may briefly go below zero). MongoDB
// stays the truth: GET /api/notifications/unread-count counts there, and a Redis outage during
// a take only leaves the badge high.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "vibework/infra/asio.hpp"

namespace vibework::redis {
class Client;
}

namespace vibework::app::notifications {

struct UnreadCounterOptions {
  // How long the marker of a counted event lives: as long as Pub/Sub keeps an unacked message
  // (7 days of retention on the worker subscription) plus as long as dead-letter-review keeps it
  // for a replay, so no redelivery can outlive it.
  std::chrono::seconds marker_ttl{14 * 24 * 3600};
};

class UnreadCounter {
 public:
  explicit UnreadCounter(redis::Client& redis, UnreadCounterOptions options = {});

  static std::string key(std::string_view user_id) { return "notifications:unread:" + std::string(user_id); }
  static std::string marker(std::string_view event_id) { return "notifications:delivered:" + std::string(event_id); }

  // The counter's new value, or nullopt when this event was counted before.
  awaitable<std::optional<std::int64_t>> count_once(std::string event_id, std::string user_id);
  // Lowers the user's counter by n (> 0). Throws infra::Error when Redis does not answer.
  awaitable<void> take(std::string user_id, std::int64_t n);

 private:
  redis::Client& redis_;
  UnreadCounterOptions options_;
};

}  // namespace vibework::app::notifications
