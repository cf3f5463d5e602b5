#pragma once
// The two effects of a delivered notification, each safe to repeat, so a redelivered event (or
// one that crashed the worker halfway) has them exactly once:
//  1. MongoDB: deliveredAt is set only while it is absent (a conditional update: repeating it
//     changes nothing); the same atomic update tells whether the notification was still unread;
//  2. Redis: if it was, the user's unread counter is incremented once per event
//     (notifications::UnreadCounter::count_once).
// Step 1 runs before step 2 and both run again on every redelivery, so a crash between them is
// finished by the next delivery; the event is acked only after both.
#include <cstdint>
#include <optional>
#include <string>

#include "vibework/app/notifications/unread_counter.hpp"
#include "vibework/infra/asio.hpp"
#include "vibework/models/notification.hpp"

namespace vibework::app::worker {

enum class Marked { now, already, missing };  // deliveredAt set by us, set before, no such notification

struct MarkResult {
  Marked marked = Marked::missing;
  // Unread when step 1 set deliveredAt (Marked::now), or now (Marked::already): only an unread
  // notification is counted.
  bool unread = false;
};

class DeliveryRecord {
 public:
  DeliveryRecord(mongodb::Database& db, redis::Client& redis, notifications::UnreadCounterOptions counter = {});

  // Step 1. `missing`: no notification with this id belongs to this user (deleted, or never was).
  awaitable<MarkResult> mark_delivered(mongodb::ObjectId notification_id, std::string user_id);
  // Step 2. The counter's new value, or nullopt when this event was counted before.
  awaitable<std::optional<std::int64_t>> count_once(std::string event_id, std::string user_id);

 private:
  models::Notification notifications_;
  notifications::UnreadCounter counter_;
};

}  // namespace vibework::app::worker
