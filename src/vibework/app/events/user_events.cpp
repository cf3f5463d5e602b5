#include "vibework/app/events/user_events.hpp"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "vibework/app/events/mysql_outbox.hpp"
#include "vibework/app/pubsub_resources.hpp"
#include "vibework/auth/random_token.hpp"
#include "vibework/infra/current_trace.hpp"
#include "vibework/infra/json.hpp"

namespace vibework::app::events {

std::string_view user_event_name(auth::UserEventKind kind) {
  switch (kind) {
    case auth::UserEventKind::created:
      return "user.created";
    case auth::UserEventKind::updated:
      return "user.updated";
    case auth::UserEventKind::deleted:
      return "user.deleted";
  }
  return "user.updated";
}

OutboxEvent user_event(auth::UserEventKind kind, const schema::User& user, std::string event_id, TimePoint occurred_at) {
  const std::string_view name = user_event_name(kind);
  boost::json::object payload{{"event", name},
                              {"eventId", event_id},
                              {"userId", user.id},
                              {"email", user.email},
                              {"name", user.name},
                              {"emailVerified", user.email_verified},
                              {"occurredAt", infra::format_iso8601(occurred_at)}};
  return {.id = std::move(event_id),
          .topic = std::string(topics::EVENTS),
          .event_type = std::string(name),
          .data = boost::json::serialize(payload),
          .created_at = occurred_at};
}

auth::UserEventRecorder user_event_recorder(std::function<void()> on_recorded) {
  return [on_recorded = std::move(on_recorded)](mysql::Transaction& tx, auth::UserEventKind kind,
                                                const schema::User& user) -> awaitable<void> {
    // Milliseconds: what DATETIME(3) keeps, so the row and the payload agree.
    const auto now = std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
    // A fresh random id per event: a user changes many times; retries keep the row's id.
    OutboxEvent event = user_event(kind, user, auth::random_token(), now);
    // The request that changed the user: the worker's lines for this event continue its trace.
    if (const auto* trace = infra::current_trace()) event.traceparent = trace->traceparent();
    co_await MysqlOutbox::record(tx, std::move(event));
    if (on_recorded) tx.after_commit(on_recorded);
  };
}

}  // namespace vibework::app::events
