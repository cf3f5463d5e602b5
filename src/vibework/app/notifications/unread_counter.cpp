#include "vibework/app/notifications/unread_counter.hpp"

#include "vibework/redis/client.hpp"

namespace vibework::app::notifications {

namespace {
// KEYS[1] the event's marker, KEYS[2] the user's counter; ARGV[1] the marker's TTL in seconds.
// Atomic: the counter moves if and only if the marker was set by this call.
constexpr std::string_view count_once_script = R"lua(
if redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[1]) then
  return redis.call('INCR', KEYS[2])
end
return -1
)lua";
}  // namespace

UnreadCounter::UnreadCounter(redis::Client& redis, UnreadCounterOptions options) : redis_(redis), options_(options) {}

awaitable<std::optional<std::int64_t>> UnreadCounter::count_once(std::string event_id, std::string user_id) {
  const auto ttl = std::to_string(options_.marker_ttl.count());
  const auto reply = co_await redis_.command("EVAL", count_once_script, "2", marker(event_id), key(user_id), ttl);
  const auto value = reply.to_integer("EVAL count_once");
  if (value < 0) co_return std::nullopt;
  co_return value;
}

awaitable<void> UnreadCounter::take(std::string user_id, std::int64_t n) {
  const auto reply = co_await redis_.command("DECRBY", key(user_id), std::to_string(n));
  (void)reply.to_integer("DECRBY unread counter");
}

}  // namespace vibework::app::notifications
