#pragma once
// The user.* events (user.created, user.updated, user.deleted) on the `events` topic, written to
// the MySQL outbox inside the transaction of the change (auth's UserEventRecorder hook), so a
// user change and its event commit together or not at all.
//
//   auth->on_user_event(events::user_event_recorder([relay] { relay->wake(); }));
//   relay->add_store(mysql_outbox);   // publishes them
//
// Payload: {"event","eventId","userId","email","name","emailVerified","occurredAt"}; never a
// password or token. The outbox row's id is eventId (the message's vibework-id attribute).
#include <functional>
#include <string>
#include <string_view>

#include "vibework/app/events/outbox_store.hpp"
#include "vibework/auth/user_store.hpp"
#include "vibework/schema/user.hpp"

namespace vibework::app::events {

// "user.created", "user.updated", "user.deleted": the event field and the eventType attribute.
std::string_view user_event_name(auth::UserEventKind kind);

OutboxEvent user_event(auth::UserEventKind kind, const schema::User& user, std::string event_id, TimePoint occurred_at);

// Writes each event with MysqlOutbox::record in the change's transaction; `on_recorded` (may be
// empty; must not throw) runs once that transaction commits, e.g. the relay's wake().
auth::UserEventRecorder user_event_recorder(std::function<void()> on_recorded = {});

}  // namespace vibework::app::events
