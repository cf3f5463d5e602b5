#pragma once
// The events-worker handler: the `events` topic carries the app's user.* events (sign-up,
// profile changes, deletion). The worker's job for them is one info line each:
//   worker: user.created event <id> for user <userId> (attempt <n>)
// then ack. Other event types are someone else's: acked with a debug line. A message that says
// nowhere what it is (no eventType attribute and no "event" in JSON data) is poison: nacked, so
// it ends on the dead-letter topic for a person to look at.
#include <string>

#include "vibework/app/worker/notification_handler.hpp"

namespace vibework::app::worker {

class UserEventHandler {
 public:
  explicit UserEventHandler(std::string subscription) : subscription_(std::move(subscription)) {}

  // Acks or nacks `message`. Never throws.
  Outcome handle(pubsub::Message& message) const;

 private:
  std::string subscription_;
};

}  // namespace vibework::app::worker
