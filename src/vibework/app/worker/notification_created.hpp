#pragma once
// The notification.created event as the worker reads it: the outbox relay's payload
// {"event":"notification.created","notificationId","userId","type","title","createdAt"} with the
// attributes eventType and vibework-id (the stable event id). Anything else is a poison message:
// parse() says why, so the worker can log it before the dead-letter policy takes it away.
#include <string>
#include <string_view>
#include <variant>

#include "vibework/mongodb/object_id.hpp"

namespace vibework::pubsub {
class Message;
}

namespace vibework::app::worker {

inline constexpr std::string_view NOTIFICATION_CREATED = "notification.created";

struct NotificationCreated {
  std::string event_id;  // vibework-id; Pub/Sub's message id when a publisher did not set one
  mongodb::ObjectId notification_id;
  std::string user_id;
  std::string type;
  std::string title;
  std::string created_at;
};

// Why a message is not a notification.created event we can act on.
struct Malformed {
  std::string why;
};

std::variant<NotificationCreated, Malformed> parse_notification_created(const pubsub::Message& message);

// The id to deduplicate a message by: its vibework-id, else Pub/Sub's message id.
std::string event_id_of(const pubsub::Message& message);

}  // namespace vibework::app::worker
