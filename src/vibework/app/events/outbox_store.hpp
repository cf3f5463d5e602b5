#pragma once
// The transactional outbox: an event is written in the same store and the same write as the
// change it reports, and a relay (outbox_relay.hpp) later publishes it to Pub/Sub. A store is
// one place events wait: the notifications collection (MongoDB, the event rides in its
// document) or the `event_outbox` table (MySQL, a row in the change's transaction).
//
// Claims carry a lease: several relays (one per instance) may poll the same store; a claimed
// event is not handed to another relay until its lease expires, so in the normal case each event
// is published once. A relay that dies mid-batch loses nothing: its leases expire and the events
// are claimed again (consumers drop the rare duplicate by the event id).
#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "vibework/infra/asio.hpp"


namespace vibework::app::events {

using TimePoint = std::chrono::system_clock::time_point;

// Attributes every relayed message carries besides vibework-id (= OutboxEvent::id).
inline constexpr std::string_view EVENT_TYPE_ATTRIBUTE = "eventType";

struct OutboxEvent {
  std::string id;          // stable across retries: the message's vibework-id attribute
  std::string topic;       // e.g. "notifications-created", "events"
  std::string event_type;  // e.g. "notification.created", "user.created": the eventType attribute
  std::string data;        // the JSON payload
  TimePoint created_at{};
  // W3C traceparent of the work that wrote the event (its request), "" when none: the
  // message's traceparent attribute, so the consumer continues that trace.
  std::string traceparent{};
};

struct OutboxBacklog {
  std::size_t pending = 0;                      // events not yet acknowledged by Pub/Sub
  std::optional<TimePoint> oldest{};     // created_at of the oldest of them
};

class OutboxStore {
 public:
  virtual ~OutboxStore() = default;

  // For logs: "mongodb notifications", "mysql event_outbox".
  virtual std::string_view name() const = 0;
  // Up to `max` pending events that are unclaimed or whose lease expired, oldest first, now
  // leased to `owner` for `lease`.
  virtual awaitable<std::vector<OutboxEvent>> claim(std::string owner, std::size_t max,
                                                    std::chrono::milliseconds lease) = 0;
  // Pub/Sub acknowledged these (claimed by `owner`): they are done and leave the backlog.
  virtual awaitable<void> mark_published(std::string owner, std::vector<std::string> ids) = 0;
  // Publishing these failed: drop `owner`'s lease so the next pass may retry them at once.
  virtual awaitable<void> release(std::string owner, std::vector<std::string> ids) = 0;
  // Deletes published events older than `older_than` (a store that removes them in
  // mark_published returns 0). The number removed.
  virtual awaitable<std::size_t> prune(std::chrono::seconds older_than) = 0;
  virtual awaitable<OutboxBacklog> backlog() = 0;
};

}  // namespace vibework::app::events
