#pragma once
// The notifications-created-worker handler: records the delivery of a notification.created
// event (delivery_record.hpp) and acks. What it does with each message:
//  - delivered: both effects applied (or found applied: a duplicate), ack;
//  - the notification no longer exists (deleted before delivery): logged, ack;
//  - MongoDB or Redis failed: nack, so Pub/Sub redelivers it after the subscription's backoff;
//  - poison (not JSON, fields missing, another eventType): nack, logged with its id every time,
//    so after MAX_DELIVERY_ATTEMPTS the dead-letter policy moves it to the dead-letter topic.
// One info line per delivered notification:
//   worker: delivered notification.created <notificationId> to user <userId> (event <id>, attempt <n>)
#include <string>

#include "vibework/app/worker/delivery_record.hpp"
#include "vibework/infra/asio.hpp"

namespace vibework::pubsub {
class Message;
}

namespace vibework::app::worker {

enum class Outcome { delivered, duplicate, missing, ignored, failed, poison };
std::string_view to_string(Outcome outcome);

class NotificationCreatedHandler {
 public:
  // `subscription` names where messages come from, for the log.
  NotificationCreatedHandler(DeliveryRecord& record, std::string subscription);

  // Acks or nacks `message` and says why. Never throws.
  awaitable<Outcome> handle(pubsub::Message& message);

 private:
  DeliveryRecord& record_;
  std::string subscription_;
};

// The log's words for a message that failed: at the last attempt it is being dead-lettered.
std::string retry_note(int delivery_attempt);

}  // namespace vibework::app::worker
