#include "vibework/app/worker/delivery_record.hpp"

#include "vibework/redis/client.hpp"

namespace vibework::app::worker {

using models::Notification;

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

DeliveryRecord::DeliveryRecord(mongodb::Database& db, redis::Client& redis, DeliveryKeys keys)
    : notifications_(db), redis_(redis), keys_(keys) {}

awaitable<Marked> DeliveryRecord::mark_delivered(mongodb::ObjectId notification_id, std::string user_id) {
  auto mine = mongodb::Filter::equals("_id", notification_id) && Notification::user_id == user_id;
  // {deliveredAt: null} matches an absent field as well as a null one.
  auto undelivered = mine && mongodb::Filter::json(R"({"deliveredAt": null})");
  mongodb::Update update;
  update.set(Notification::delivered_at, std::optional<mongodb::TimePoint>(mongodb::detail::now_millis()));
  const auto changed = co_await notifications_.update_many(std::move(undelivered), std::move(update));
  if (changed.matched > 0) co_return Marked::now;
  const auto present = co_await notifications_.count(std::move(mine));
  co_return present > 0 ? Marked::already : Marked::missing;
}

awaitable<std::optional<std::int64_t>> DeliveryRecord::count_once(std::string event_id, std::string user_id) {
  const auto marker = DeliveryKeys::marker(event_id);
  const auto counter = DeliveryKeys::unread_counter(user_id);
  const auto ttl = std::to_string(keys_.marker_ttl.count());
  const auto reply = co_await redis_.command("EVAL", count_once_script, "2", marker, counter, ttl);
  const auto value = reply.to_integer("EVAL count_once");
  if (value < 0) co_return std::nullopt;
  co_return value;
}

}  // namespace vibework::app::worker
