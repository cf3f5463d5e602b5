#pragma once
// The topics and subscriptions vibework's components use. `vibework pubsub setup` (and `serve`
// against the emulator) creates them; see setup.hpp.
#include <string_view>

namespace vibework::pubsub {

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

// Every message vibework publishes carries this attribute: a unique id that stays the same when
// a publish is retried, so consumers can drop duplicates (delivery is at least once).
inline constexpr std::string_view MESSAGE_ID_ATTRIBUTE = "vibework-id";

}  // namespace vibework::pubsub
