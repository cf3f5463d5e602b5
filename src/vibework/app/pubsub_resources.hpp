#pragma once
// The reference service's Pub/Sub topics and subscriptions: the original design's
// `notifications-created` and `events` topics, each with a worker subscription (retry 10 s..600 s
// by default, PUBSUB_REDELIVERY_*_BACKOFF_SECONDS; dead-letter after 5 attempts), and a
// dead-letter topic kept for review. `vibework pubsub setup`
// creates them; `serve` does it at start against the emulator (pubsub::Client::declare).
#include <string_view>

#include "vibework/pubsub/config.hpp"
#include "vibework/pubsub/resources.hpp"

namespace vibework::app {

namespace topics {
inline constexpr std::string_view NOTIFICATIONS = "notifications-created";
inline constexpr std::string_view EVENTS = "events";
// Messages that failed max_delivery_attempts times on any subscription above.
inline constexpr std::string_view DEAD_LETTER = "dead-letter";
}  // namespace topics

namespace subscriptions {
inline constexpr std::string_view NOTIFICATIONS_WORKER = "notifications-created-worker";
inline constexpr std::string_view EVENTS_WORKER = "events-worker";
// Keeps dead letters until someone looks at them (a topic without subscription drops messages).
inline constexpr std::string_view DEAD_LETTER_REVIEW = "dead-letter-review";
}  // namespace subscriptions

// A worker message that failed this many deliveries goes to topics::DEAD_LETTER.
inline constexpr int MAX_DELIVERY_ATTEMPTS = 5;

// The topic a subscription of ours reads: where a dead letter from it is replayed to when the
// server cannot say (the subscription is gone). Empty when it is not one of ours.
std::string_view topic_of_subscription(std::string_view subscription);

// notifications-created (first: readiness checks it exists, as the original does), events,
// dead-letter, and their subscriptions.
pubsub::Resources pubsub_resources(const pubsub::Config& config);

}  // namespace vibework::app
