#include "vibework/app/notifications/notification_outbox.hpp"

#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "vibework/app/pubsub_resources.hpp"
#include "vibework/infra/json.hpp"

namespace vibework::app::notifications {

using models::Notification;

namespace {
// Outbox bookkeeping goes through the raw collection: it must not touch updatedAt, which says
// when the user's notification changed.
mongodb::Document json_doc(const boost::json::object& o) { return mongodb::Document::from_json(boost::json::serialize(o)); }

boost::json::object date(mongodb::TimePoint t) {
  const auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
  return {{"$date", {{"$numberLong", std::to_string(millis)}}}};
}

boost::json::array strings(const std::vector<std::string>& ids) {
  boost::json::array out;
  for (const auto& id : ids) out.emplace_back(id);
  return out;
}

// Pending, and either never claimed or its claim has expired.
boost::json::object claimable(mongodb::TimePoint now) {
  return {{"eventPending", true},
          {"$or", boost::json::array{boost::json::object{{"outbox.leaseUntil", {{"$exists", false}}}},
                                     boost::json::object{{"outbox.leaseUntil", {{"$lt", date(now)}}}}}}};
}

boost::json::object claimed_by(const std::string& owner, const std::vector<std::string>& ids) {
  return {{"outbox.eventId", {{"$in", strings(ids)}}}, {"outbox.leaseOwner", owner}};
}
}  // namespace

events::OutboxEvent notification_created_event(const models::NotificationDocument& doc) {
  const std::string created_at = infra::format_iso8601(doc.created_at);
  boost::json::object payload{{"event", "notification.created"},
                              {"notificationId", doc.id.to_string()},
                              {"userId", doc.user_id},
                              {"type", boost::describe::enum_to_string(doc.type, "info")},
                              {"title", doc.title},
                              {"createdAt", created_at}};
  return {.id = doc.outbox ? doc.outbox->event_id : "notification.created:" + doc.id.to_string(),
          .topic = std::string(topics::NOTIFICATIONS),
          .event_type = "notification.created",
          .data = boost::json::serialize(payload),
          .created_at = doc.created_at,
          .traceparent = doc.outbox ? doc.outbox->traceparent.value_or("") : std::string()};
}

awaitable<std::vector<events::OutboxEvent>> NotificationOutbox::claim(std::string owner, std::size_t max,
                                                                      std::chrono::milliseconds lease) {
  const auto now = mongodb::detail::now_millis();
  auto& collection = model_.collection();
  // Pick candidates, then lease them with a filter that checks again that they are free: of two
  // relays racing for a document, only one update matches it.
  mongodb::FindOptions pick{.sort = {Notification::created_at.asc()}, .limit = static_cast<std::int64_t>(max)};
  pick.projection = json_doc({{"outbox.eventId", 1}});
  auto candidates = co_await collection.find(json_doc(claimable(now)), std::move(pick));
  if (candidates.empty()) co_return std::vector<events::OutboxEvent>{};
  boost::json::array ids;
  for (const auto& c : candidates) ids.push_back(boost::json::parse(c.to_json()).at("_id"));
  auto filter = claimable(now);
  filter["_id"] = {{"$in", ids}};
  // Extended JSON in canonical form reads {"$oid": ...} back as ObjectIds.
  boost::json::object lease_fields{{"outbox.leaseOwner", owner}, {"outbox.leaseUntil", date(now + lease)}};
  boost::json::object set{{"$set", lease_fields}};
  (void)co_await collection.update_many(json_doc(filter), json_doc(set));

  mongodb::FindOptions by_age{.sort = {Notification::created_at.asc()}};
  auto mine_filter = mongodb::Filter::equals("outbox.leaseOwner", owner);
  auto mine = co_await model_.find(std::move(mine_filter), std::move(by_age));
  std::vector<events::OutboxEvent> out;
  out.reserve(mine.size());
  for (const auto& doc : mine) out.push_back(notification_created_event(doc));
  co_return out;
}

awaitable<void> NotificationOutbox::mark_published(std::string owner, std::vector<std::string> ids) {
  boost::json::object unset{{"$unset", {{"outbox", ""}, {"eventPending", ""}}}};
  (void)co_await model_.collection().update_many(json_doc(claimed_by(owner, ids)), json_doc(unset));
}

awaitable<void> NotificationOutbox::release(std::string owner, std::vector<std::string> ids) {
  // An expiry in the past rather than $unset: FerretDB 1.24 leaves dotted fields in place on $unset.
  boost::json::object expire{{"$set", {{"outbox.leaseOwner", ""}, {"outbox.leaseUntil", date(mongodb::TimePoint{})}}}};
  (void)co_await model_.collection().update_many(json_doc(claimed_by(owner, ids)), json_doc(expire));
}

awaitable<events::OutboxBacklog> NotificationOutbox::backlog() {
  auto pending = Notification::event_pending == true;
  events::OutboxBacklog out;
  out.pending = static_cast<std::size_t>(co_await model_.count(pending));
  if (out.pending > 0) {
    mongodb::FindOptions by_age{.sort = {Notification::created_at.asc()}};
    auto oldest = co_await model_.find_one(std::move(pending), std::move(by_age));
    if (oldest) out.oldest = oldest->created_at;
  }
  co_return out;
}

}  // namespace vibework::app::notifications
