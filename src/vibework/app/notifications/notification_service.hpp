#pragma once
// NotificationService: a user's notifications in MongoDB. Every call is scoped to one user: an
// id that belongs to someone else is treated exactly like an unknown one (nullopt / false), so
// the routes answer 404 and never reveal that it exists.
//
// create() writes the notification.created event into the same document (the outbox, see
// notification_outbox.hpp) in the one insert, then calls `on_event_written` (the relay's wake()).
// With an UnreadCounter, marking read, deleting and read-all take what they change from the
// Redis badge the worker counts (unread_counter.hpp); a Redis failure there is logged, not
// answered: the change is made and unread_count() (MongoDB) stays right.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "vibework/models/notification.hpp"

namespace vibework::app::notifications {

class UnreadCounter;
using models::NotificationDocument;
using models::NotificationType;

struct NewNotification {
  NotificationType type = NotificationType::info;
  std::string title;
  std::string message;
  std::optional<boost::json::object> data;
};

// Where a page ends: the (createdAt, _id) of its last item. Newest first, so the next page holds
// what is strictly older; notifications inserted meanwhile are newer and do not shift it.
struct Cursor {
  mongodb::TimePoint created_at{};
  mongodb::ObjectId id;

  std::string encode() const;                                    // opaque, URL-safe
  static std::optional<Cursor> decode(std::string_view text);    // nullopt: not one of ours
};

struct ListQuery {
  bool unread_only = false;
  std::size_t limit = 20;
  std::optional<Cursor> after;
};

struct NotificationPage {
  std::vector<NotificationDocument> notifications;
  std::optional<Cursor> next;  // absent on the last page
};

class NotificationService {
 public:
  explicit NotificationService(mongodb::Database& db, std::function<void()> on_event_written = {},
                               UnreadCounter* unread_counter = nullptr);

  awaitable<NotificationDocument> create(std::string user_id, NewNotification notification);
  awaitable<NotificationPage> list(std::string user_id, ListQuery query);
  awaitable<std::optional<NotificationDocument>> get(std::string user_id, std::string_view id);
  // Sets read and readAt (the first time; marking again keeps the first readAt); the document after.
  awaitable<std::optional<NotificationDocument>> mark_read(std::string user_id, std::string_view id);
  awaitable<bool> remove(std::string user_id, std::string_view id);
  // The number of notifications that were unread.
  awaitable<std::int64_t> mark_all_read(std::string user_id);
  awaitable<std::int64_t> unread_count(std::string user_id);

  models::Notification& model() noexcept { return model_; }

 private:
  awaitable<void> uncount(const std::string& user_id, std::int64_t n);

  models::Notification model_;
  std::function<void()> on_event_written_;
  UnreadCounter* unread_counter_;
};

}  // namespace vibework::app::notifications
