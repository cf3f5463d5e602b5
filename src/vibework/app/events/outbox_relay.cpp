#include "vibework/app/events/outbox_relay.hpp"

#include <algorithm>
#include <atomic>
#include <memory>
#include <random>

#include <spdlog/spdlog.h>

#include "vibework/infra/async/backoff.hpp"
#include "vibework/infra/async/gather.hpp"
#include "vibework/infra/async/periodic_task.hpp"
#include "vibework/infra/current_trace.hpp"
#include "vibework/infra/errors.hpp"
#include "vibework/infra/health.hpp"
#include "vibework/infra/instance_tag.hpp"
#include "vibework/infra/metrics/measured_backlog.hpp"
#include "vibework/infra/timeout.hpp"
#include "vibework/pubsub/publisher.hpp"

namespace vibework::app::events {

using SteadyClock = std::chrono::steady_clock;

struct OutboxRelay::State {
  State(PublishFn p, asio::any_io_executor ex, RelayOptions o)
      : publish(std::move(p)), executor(std::move(ex)), options(o), owner(infra::instance_tag()),
        backoff(o.retry_initial, o.retry_max, std::random_device{}()) {}

  PublishFn publish;
  asio::any_io_executor executor;
  RelayOptions options;
  std::vector<OutboxStore*> stores;
  std::string owner;
  std::uint64_t claims = 0;
  std::unique_ptr<infra::PeriodicTask> task;
  // Only the pass touches these (passes never overlap).
  infra::Backoff backoff;
  SteadyClock::time_point not_before{};
  SteadyClock::time_point next_prune{};
  bool failing = false;  // logged once per outage, and once when it ends
  std::atomic<std::uint64_t> published{0};
  std::atomic<std::uint64_t> failed{0};
  std::atomic<std::uint64_t> passes{0};
  // attach_metrics(): each store's last measured backlog, read at scrape time.
  std::vector<std::unique_ptr<infra::metrics::MeasuredBacklog>> backlogs;  // one per store, when metrics are on
  std::vector<infra::metrics::Registration> metrics;
};

namespace {

// Publishes one claimed batch; true when Pub/Sub acknowledged every event.
awaitable<bool> relay_batch(OutboxRelay::State& s, OutboxStore& store, std::string claim_owner,
                            std::vector<OutboxEvent> batch) {
  std::vector<char> acknowledged(batch.size(), 0);
  std::string first_error;
  auto publish_one = [&](std::size_t i) -> awaitable<void> {
    try {
      co_await s.publish(batch[i]);
      acknowledged[i] = 1;
    } catch (const std::exception& e) {
      if (first_error.empty()) first_error = e.what();
    }
  };
  co_await infra::gather(batch.size(), std::move(publish_one));

  std::vector<std::string> done;
  std::vector<std::string> retry;
  for (std::size_t i = 0; i < batch.size(); ++i) (acknowledged[i] ? done : retry).push_back(std::move(batch[i].id));
  s.published += done.size();
  s.failed += retry.size();
  // A failure to mark leaves the lease to expire: the event goes out again and consumers drop
  // the duplicate by its id. Never the other way round (marked but not sent).
  if (!done.empty()) co_await store.mark_published(claim_owner, std::move(done));
  if (retry.empty()) co_return true;
  if (!s.failing) spdlog::warn("outbox-relay: {}: {} event(s) not published yet, will retry: {}", store.name(), retry.size(), first_error);
  co_await store.release(claim_owner, std::move(retry));
  co_return false;
}

// Claims and publishes until the store has nothing due; false when something failed.
awaitable<bool> drain(OutboxRelay::State& s, OutboxStore& store) {
  for (;;) {
    std::string claim_owner = s.owner + "#" + std::to_string(++s.claims);
    auto batch = co_await store.claim(claim_owner, s.options.batch_max, s.options.lease);
    if (batch.empty()) co_return true;
    const bool full = batch.size() >= s.options.batch_max;
    const bool ok = co_await relay_batch(s, store, std::move(claim_owner), std::move(batch));
    if (!ok) co_return false;
    if (!full) co_return true;
  }
}

awaitable<void> prune_if_due(OutboxRelay::State& s) {
  const auto now = SteadyClock::now();
  if (now < s.next_prune) co_return;
  s.next_prune = now + s.options.prune_interval;
  for (auto* store : s.stores) {
    try {
      const auto removed = co_await store->prune(s.options.retain_published);
      if (removed > 0) spdlog::debug("outbox-relay: {}: pruned {} published event(s)", store->name(), removed);
    } catch (const std::exception& e) {
      spdlog::debug("outbox-relay: {}: prune failed: {}", store->name(), e.what());
    }
  }
}

// For the metrics: each store's backlog, at most every metrics_interval. Never throws.
awaitable<void> measure_backlog_if_due(OutboxRelay::State& s) {
  for (std::size_t i = 0; i < s.backlogs.size(); ++i) {
    if (!s.backlogs[i]->due()) continue;
    try {
      const auto b = co_await s.stores[i]->backlog();
      s.backlogs[i]->record(b.pending, b.oldest);
    } catch (const std::exception&) {
      // The store is down: the pass logged it; the gauges keep their last values.
    }
  }
}

awaitable<void> run_pass(OutboxRelay::State& s) {
  if (SteadyClock::now() < s.not_before) co_return;  // backing off after a failure
  ++s.passes;
  bool ok = true;
  for (auto* store : s.stores) {
    try {
      const bool drained = co_await drain(s, *store);
      ok = ok && drained;
    } catch (const std::exception& e) {
      ok = false;
      if (!s.failing) spdlog::warn("outbox-relay: {}: {} (events wait in the outbox; retrying)", store->name(), e.what());
    }
  }
  if (ok) {
    if (s.failing) spdlog::info("outbox-relay: publishing again; the backlog is drained");
    s.failing = false;
    s.backoff.reset();
    s.not_before = {};
  } else {
    s.failing = true;
    s.not_before = SteadyClock::now() + s.backoff.next();
  }
  co_await prune_if_due(s);
  co_await measure_backlog_if_due(s);
}

// Holds the state: a pass cut off by the timeout may still be running.
awaitable<void> final_pass(std::shared_ptr<OutboxRelay::State> s) { co_await run_pass(*s); }

}  // namespace

PublishFn publish_with(pubsub::Publisher& publisher) {
  return [p = &publisher](const OutboxEvent& event) -> awaitable<void> {
    pubsub::Attributes attributes;
    attributes.emplace(std::string(pubsub::MESSAGE_ID_ATTRIBUTE), event.id);
    attributes.emplace(std::string(EVENT_TYPE_ATTRIBUTE), event.event_type);
    if (!event.traceparent.empty()) attributes.emplace(std::string(infra::TRACEPARENT), event.traceparent);
    (void)co_await p->publish(event.topic, event.data, std::move(attributes));
  };
}

OutboxRelay::OutboxRelay(PublishFn publish, asio::any_io_executor executor, RelayOptions options)
    : state_(std::make_shared<State>(std::move(publish), std::move(executor), options)) {}

OutboxRelay::~OutboxRelay() = default;

void OutboxRelay::add_store(OutboxStore& store) { state_->stores.push_back(&store); }

awaitable<void> OutboxRelay::start() {
  auto s = state_;
  s->task = std::make_unique<infra::PeriodicTask>(s->executor, s->options.poll_interval, "outbox-relay",
                                                  [weak = std::weak_ptr<State>(s)]() -> awaitable<void> {
                                                    // weak: the state owns the task (no cycle)
                                                    if (auto state = weak.lock()) co_await run_pass(*state);
                                                  });
  s->task->start();
  s->task->wake();  // what an earlier run left behind goes out now
  co_return;
}

awaitable<void> OutboxRelay::stop() {
  auto s = state_;
  if (!s->task) co_return;
  co_await s->task->stop();
  // One last pass for what was written during the drain, bounded: a Pub/Sub that is down now
  // must not hold up the shutdown (the events stay in the outbox for the next start).
  s->not_before = {};
  try {
    co_await infra::with_timeout(final_pass(s), s->options.final_pass_timeout, "outbox-relay", "final pass");
  } catch (const std::exception& e) {
    spdlog::warn("outbox-relay: the final pass did not finish ({}); the rest is published at the next start", e.what());
  }
}

void OutboxRelay::wake() noexcept {
  if (state_->task) state_->task->wake();
}

std::vector<infra::HealthCheck> OutboxRelay::checks() {
  auto probe = [this]() -> awaitable<void> {
    const auto b = co_await backlog();
    if (!b.oldest) co_return;
    const auto age = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now() - *b.oldest);
    if (age > state_->options.max_healthy_lag) {
      throw infra::UnavailableError("outbox", std::to_string(b.pending) + " event(s) waiting, the oldest for " +
                                                  std::to_string(age.count()) + " s");
    }
  };
  std::string stores;
  for (auto* store : state_->stores) stores += (stores.empty() ? "" : ", ") + std::string(store->name());
  return {{.name = "outbox", .address = stores, .probe = std::move(probe),
           .hint = "events are published once Pub/Sub answers; check the pubsub line and the outbox-relay log",
           .critical = false}};
}

RelayStats OutboxRelay::stats() const noexcept {
  return {state_->published.load(), state_->failed.load(), state_->passes.load()};
}

void OutboxRelay::attach_metrics(infra::metrics::Registry& r) {
  auto& s = *state_;
  const std::weak_ptr<State> weak = state_;
  s.metrics.push_back(r.counter_callback("outbox_events_published_total", "Outbox events Pub/Sub acknowledged.", [weak] {
    const auto st = weak.lock();
    return st ? static_cast<double>(st->published.load()) : 0.0;
  }));
  s.metrics.push_back(r.counter_callback("outbox_publish_failures_total",
                                         "Outbox publish attempts that failed (the event stays pending).", [weak] {
                                           const auto st = weak.lock();
                                           return st ? static_cast<double>(st->failed.load()) : 0.0;
                                         }));
  for (auto* store : s.stores) {
    s.backlogs.push_back(std::make_unique<infra::metrics::MeasuredBacklog>(s.options.metrics_interval));
    auto* b = s.backlogs.back().get();
    const std::vector<std::string> label{"store"};
    const std::vector<std::string> value{std::string(store->name())};
    s.metrics.push_back(r.gauge_callback("outbox_backlog_events",
                                         "Outbox events not yet acknowledged by Pub/Sub, by store (measured by the relay).",
                                         label, value, [b] { return b->pending(); }));
    s.metrics.push_back(r.gauge_callback("outbox_oldest_pending_age_seconds",
                                         "Age of the oldest pending outbox event, by store (0 when none).", label, value,
                                         [b] { return b->oldest_age_seconds(); }));
  }
}

awaitable<OutboxBacklog> OutboxRelay::backlog() {
  OutboxBacklog total;
  for (auto* store : state_->stores) {
    auto b = co_await store->backlog();
    total.pending += b.pending;
    if (b.oldest && (!total.oldest || *b.oldest < *total.oldest)) total.oldest = b.oldest;
  }
  co_return total;
}

}  // namespace vibework::app::events
