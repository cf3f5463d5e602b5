#pragma once
// OutboxRelay: publishes what the outboxes (outbox_store.hpp) hold to Pub/Sub, so a change and
// its event are never separated: the HTTP request only writes, the relay publishes later.
//
//   auto relay = lifecycle.add(std::make_shared<events::OutboxRelay>(events::publish_with(pubsub->publisher()), executor));
//   relay->add_store(notification_outbox);  // before start
//   ...
//   relay->wake();                          // after a write: publish now, not at the next poll
//
// A pass claims a batch from each store (a lease, so several instances share the work without
// double-publishing), publishes the batch concurrently (the Publisher packs it into few
// requests), marks what Pub/Sub acknowledged and releases the rest. A failed pass backs off
// (retry_initial .. retry_max, jittered); nothing is dropped, so a Pub/Sub outage only delays
// events. Published rows are pruned now and then. stop() runs one last bounded pass, so what
// was written just before a shutdown goes out with it; what remains waits for the next start.
// Readiness shows the backlog as the non-critical `outbox` check.
#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "vibework/app/events/outbox_store.hpp"
#include "vibework/infra/component.hpp"
#include "vibework/infra/metrics/registry.hpp"

namespace vibework::pubsub {
class Publisher;
}

namespace vibework::app::events {

// Publishes one message and returns when Pub/Sub acknowledged it (throws otherwise): the
// Publisher's publish(), or a fake in tests.
using PublishFn = std::function<awaitable<void>(const OutboxEvent& event)>;
// publish() on `publisher` with the event's id (vibework-id), type (eventType) and, when it has
// one, the trace of the request that wrote it (traceparent) as attributes.
PublishFn publish_with(pubsub::Publisher& publisher);

struct RelayOptions {
  std::size_t batch_max = 500;                    // events per claim
  std::chrono::milliseconds lease{30'000};        // a claim's lifetime; longer than a publish takes
  // Each instance wakes its relay on its own writes; the poll only finds what another instance
  // left behind (a crash mid-batch, an expired lease), so it can be slow.
  std::chrono::milliseconds poll_interval{5'000};
  std::chrono::milliseconds retry_initial{500};   // backoff after a failed pass ...
  std::chrono::milliseconds retry_max{30'000};    // ... up to this
  std::chrono::milliseconds final_pass_timeout{5'000};  // stop()'s last pass
  std::chrono::seconds retain_published{3'600};   // published rows kept this long (for inspection)
  std::chrono::milliseconds prune_interval{600'000};
  // The `outbox` readiness check (not critical: a late event degrades, it does not take the
  // service out of rotation) fails when the oldest pending event is older than this.
  std::chrono::seconds max_healthy_lag{60};
  // How often a pass also measures each store's backlog for the metrics (a COUNT per store).
  std::chrono::milliseconds metrics_interval{5'000};
};

struct RelayStats {
  std::uint64_t published = 0;  // events acknowledged by Pub/Sub
  std::uint64_t failed = 0;     // publish attempts that failed (the event stays pending)
  std::uint64_t passes = 0;
};

class OutboxRelay final : public infra::Component {
 public:
  OutboxRelay(PublishFn publish, asio::any_io_executor executor, RelayOptions options = {});
  ~OutboxRelay() override;

  void add_store(OutboxStore& store);  // before start()
  // outbox_backlog_events{store}, outbox_oldest_pending_age_seconds{store} (measured by the
  // relay at most every metrics_interval) and outbox_events_published_total /
  // outbox_publish_failures_total, in `registry` (which must outlive the relay). After the
  // add_store() calls, before start().
  void attach_metrics(infra::metrics::Registry& registry);

  std::string_view name() const override { return "outbox-relay"; }
  awaitable<void> start() override;
  awaitable<void> stop() override;

  // An event was just written: run a pass now. Thread-safe, cheap, coalesces.
  void wake() noexcept;

  // `outbox`: the backlog and its age; degraded when events wait longer than max_healthy_lag.
  std::vector<infra::HealthCheck> checks() override;

  RelayStats stats() const noexcept;
  // Every store's backlog, summed (pending) and the oldest (for tests, doctor and metrics).
  awaitable<OutboxBacklog> backlog();

  struct State;

 private:
  std::shared_ptr<State> state_;
};

}  // namespace vibework::app::events
