#include "vibework/app/worker/delivery_record.hpp"

namespace vibework::app::worker {

using models::Notification;

DeliveryRecord::DeliveryRecord(mongodb::Database& db, redis::Client& redis, notifications::UnreadCounterOptions counter)
    : notifications_(db), counter_(redis, counter) {}

awaitable<MarkResult> DeliveryRecord::mark_delivered(mongodb::ObjectId notification_id, std::string user_id) {
  auto mine = mongodb::Filter::equals("_id", notification_id) && Notification::user_id == user_id;
  // {deliveredAt: null} matches an absent field as well as a null one.
  auto undelivered = mine && mongodb::Filter::json(R"({"deliveredAt": null})");
  mongodb::Update update;
  update.set(Notification::delivered_at, std::optional<mongodb::TimePoint>(mongodb::detail::now_millis()));
  // The document before the update: read or not at the moment deliveredAt was set, which is
  // what the API's takes from the counter are decided against (unread_counter.hpp).
  const auto before = co_await notifications_.find_one_and_update(std::move(undelivered), std::move(update));
  MarkResult result;
  if (before) {
    result.marked = Marked::now;
    result.unread = !before->read;
    co_return result;
  }
  const auto present = co_await notifications_.find_one(std::move(mine));
  if (present) {
    result.marked = Marked::already;
    result.unread = !present->read;
  }
  co_return result;
}

awaitable<std::optional<std::int64_t>> DeliveryRecord::count_once(std::string event_id, std::string user_id) {
  return counter_.count_once(std::move(event_id), std::move(user_id));
}

}  // namespace vibework::app::worker
