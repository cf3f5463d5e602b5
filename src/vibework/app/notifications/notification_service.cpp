#include "vibework/app/notifications/notification_service.hpp"

#include <charconv>

#include <spdlog/spdlog.h>

#include "vibework/app/notifications/unread_counter.hpp"
#include "vibework/auth/signed_cookie.hpp"
#include "vibework/infra/current_trace.hpp"

namespace vibework::app::notifications {

using models::Notification;

namespace {
// The owner's document with this id; an id that is not an ObjectId matches nothing.
std::optional<mongodb::Filter> owned(const std::string& user_id, std::string_view id) {
  auto object_id = mongodb::ObjectId::parse(id);
  if (!object_id) return std::nullopt;
  return Notification::id == *object_id && Notification::user_id == user_id;
}
}  // namespace

std::string Cursor::encode() const {
  const auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(created_at.time_since_epoch()).count();
  return auth::base64url(std::to_string(millis) + "." + id.to_string());
}

std::optional<Cursor> Cursor::decode(std::string_view text) {
  auto raw = auth::base64url_decode(text);
  if (!raw) return std::nullopt;
  const auto dot = raw->find('.');
  if (dot == std::string::npos) return std::nullopt;
  std::int64_t millis = 0;
  const char* begin = raw->data();
  const auto [end, ec] = std::from_chars(begin, begin + dot, millis);
  if (ec != std::errc() || end != begin + dot || millis < 0) return std::nullopt;
  auto id = mongodb::ObjectId::parse(std::string_view(*raw).substr(dot + 1));
  if (!id) return std::nullopt;
  return Cursor{mongodb::TimePoint(std::chrono::milliseconds(millis)), *id};
}

NotificationService::NotificationService(mongodb::Database& db, std::function<void()> on_event_written,
                                         UnreadCounter* unread_counter)
    : model_(db), on_event_written_(std::move(on_event_written)), unread_counter_(unread_counter) {}

awaitable<void> NotificationService::uncount(const std::string& user_id, std::int64_t n) {
  if (unread_counter_ == nullptr || n <= 0) co_return;
  try {
    co_await unread_counter_->take(user_id, n);
  } catch (const std::exception& e) {
    spdlog::warn("notifications: the unread counter of user {} stays {} too high: {}", user_id, n, e.what());
  }
}

awaitable<NotificationDocument> NotificationService::create(std::string user_id, NewNotification n) {
  NotificationDocument doc;
  doc.id = mongodb::ObjectId::generate();
  doc.user_id = std::move(user_id);
  doc.type = n.type;
  doc.title = std::move(n.title);
  doc.message = std::move(n.message);
  if (n.data) doc.data = boost::json::value(std::move(*n.data));
  // The event is part of the same insert: the notification never exists without it.
  doc.outbox = models::PendingEvent{.event_id = "notification.created:" + doc.id.to_string()};
  // The request's trace rides with the event: the worker's lines for it continue that trace.
  if (const auto* trace = infra::current_trace()) doc.outbox->traceparent = trace->traceparent();
  doc.event_pending = true;
  auto created = co_await model_.create(std::move(doc));
  if (on_event_written_) on_event_written_();
  co_return created;
}

awaitable<NotificationPage> NotificationService::list(std::string user_id, ListQuery query) {
  auto filter = Notification::user_id == user_id;
  if (query.unread_only) filter = std::move(filter) && Notification::read == false;
  if (query.after) {
    auto older = Notification::created_at < query.after->created_at ||
                 (Notification::created_at == query.after->created_at && Notification::id < query.after->id);
    filter = std::move(filter) && std::move(older);
  }
  mongodb::FindOptions options{.sort = {Notification::created_at.desc(), Notification::id.desc()},
                               .limit = static_cast<std::int64_t>(query.limit + 1)};  // one more: is there a next page?
  auto found = co_await model_.find(std::move(filter), std::move(options));
  NotificationPage page;
  if (found.size() > query.limit) {
    found.resize(query.limit);
    page.next = Cursor{found.back().created_at, found.back().id};
  }
  page.notifications = std::move(found);
  co_return page;
}

awaitable<std::optional<NotificationDocument>> NotificationService::get(std::string user_id, std::string_view id) {
  auto filter = owned(user_id, id);
  if (!filter) co_return std::nullopt;
  co_return co_await model_.find_one(std::move(*filter));
}

awaitable<std::optional<NotificationDocument>> NotificationService::mark_read(std::string user_id, std::string_view id) {
  auto filter = owned(user_id, id);
  if (!filter) co_return std::nullopt;
  auto update = mongodb::set(Notification::read, true);
  update.set(Notification::read_at, std::optional<mongodb::TimePoint>(mongodb::detail::now_millis()));
  auto unread = std::move(*filter) && Notification::read == false;
  const mongodb::UpdateOptions return_new{.return_new = true};
  auto changed = co_await model_.find_one_and_update(std::move(unread), std::move(update), return_new);
  if (changed) {
    if (changed->delivered_at) co_await uncount(user_id, 1);  // the worker counted it
    co_return changed;
  }
  co_return co_await get(std::move(user_id), id);  // already read (keeps its readAt), or not there
}

awaitable<bool> NotificationService::remove(std::string user_id, std::string_view id) {
  auto filter = owned(user_id, id);
  if (!filter) co_return false;
  auto removed = co_await model_.find_one_and_delete(std::move(*filter));
  if (removed && !removed->read && removed->delivered_at) co_await uncount(user_id, 1);
  co_return removed.has_value();
}

awaitable<std::int64_t> NotificationService::mark_all_read(std::string user_id) {
  auto update = mongodb::set(Notification::read, true);
  update.set(Notification::read_at, std::optional<mongodb::TimePoint>(mongodb::detail::now_millis()));
  // The undelivered first, then the rest: a notification delivered in between is read by the
  // second update and taken back from the counter; one delivered after the first update finds
  // it read and is not counted (unread_counter.hpp).
  auto undelivered = Notification::user_id == user_id && Notification::read == false &&
                     mongodb::Filter::json(R"({"deliveredAt": null})");
  const auto before_delivery = co_await model_.update_many(std::move(undelivered), update);
  auto delivered = Notification::user_id == user_id && Notification::read == false;
  const auto after_delivery = co_await model_.update_many(std::move(delivered), std::move(update));
  co_await uncount(user_id, after_delivery.modified);
  co_return before_delivery.modified + after_delivery.modified;
}

awaitable<std::int64_t> NotificationService::unread_count(std::string user_id) {
  auto unread = Notification::user_id == user_id && Notification::read == false;
  co_return co_await model_.count(std::move(unread));
}

}  // namespace vibework::app::notifications
