// OutboxRelay without servers: an in-memory store with the lease semantics of the real ones and
// a publish function that fails when told to. The tests wait for counts, not for time.
#include "vibework/app/events/outbox_relay.hpp"

#include <map>
#include <set>
#include <stdexcept>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

#include "vibework/infra/errors.hpp"

namespace {

using namespace std::chrono_literals;
using namespace vibework::app::events;
using vibework::awaitable;
namespace asio = boost::asio;

// What MysqlOutbox and NotificationOutbox do, in memory.
class MemoryOutbox final : public OutboxStore {
 public:
  void add(std::string id, TimePoint created_at = std::chrono::system_clock::now()) {
    rows_[id] = Row{OutboxEvent{.id = id, .topic = "t", .event_type = "thing.happened", .data = "{}", .created_at = created_at}, {}, {}};
  }
  std::string_view name() const override { return "memory"; }
  awaitable<std::vector<OutboxEvent>> claim(std::string owner, std::size_t max, std::chrono::milliseconds lease) override {
    std::vector<OutboxEvent> out;
    const auto now = std::chrono::steady_clock::now();
    for (auto& [id, row] : rows_) {
      if (out.size() >= max) break;
      if (row.published || (!row.owner.empty() && row.lease_until > now)) continue;
      row.owner = owner;
      row.lease_until = now + lease;
      out.push_back(row.event);
    }
    ++claims;
    co_return out;
  }
  awaitable<void> mark_published(std::string owner, std::vector<std::string> ids) override {
    for (const auto& id : ids) {
      if (rows_[id].owner == owner) rows_[id].published = true;
    }
    co_return;
  }
  awaitable<void> release(std::string owner, std::vector<std::string> ids) override {
    for (const auto& id : ids) {
      if (rows_[id].owner == owner) rows_[id].owner.clear();
    }
    ++releases;
    co_return;
  }
  awaitable<std::size_t> prune(std::chrono::seconds) override { co_return 0; }
  awaitable<OutboxBacklog> backlog() override {
    OutboxBacklog b;
    for (const auto& [id, row] : rows_) {
      if (row.published) continue;
      ++b.pending;
      if (!b.oldest || row.event.created_at < *b.oldest) b.oldest = row.event.created_at;
    }
    co_return b;
  }
  std::size_t pending() const {
    std::size_t n = 0;
    for (const auto& [id, row] : rows_) n += row.published ? 0 : 1;
    return n;
  }

  int claims = 0;
  int releases = 0;

 private:
  struct Row {
    OutboxEvent event;
    std::string owner;
    std::chrono::steady_clock::time_point lease_until{};
    bool published = false;
  };
  std::map<std::string, Row> rows_;
};

struct FakePubSub {
  int failures_left = 0;  // the next N publishes fail
  std::multiset<std::string> published;
  PublishFn fn() {
    return [this](const OutboxEvent& e) -> awaitable<void> {
      if (failures_left > 0) {
        --failures_left;
        throw vibework::infra::UnavailableError("pubsub", "emulator not reachable");
      }
      published.insert(e.id);
      co_return;
    };
  }
};

template <typename Done>
void run_until(asio::io_context& ctx, Done done) {
  for (int i = 0; i < 100'000 && !done(); ++i) {
    if (ctx.stopped()) ctx.restart();  // it ran out of work after an earlier run
    ctx.run_one_for(100ms);
  }
  ASSERT_TRUE(done());
}

template <typename T>
void run(asio::io_context& ctx, awaitable<T> op) {
  bool finished = false;
  asio::co_spawn(ctx, std::move(op), [&](std::exception_ptr) { finished = true; });
  run_until(ctx, [&] { return finished; });
}

RelayOptions fast() {
  RelayOptions o;
  o.batch_max = 3;
  o.poll_interval = 1ms;
  o.retry_initial = 1ms;
  o.retry_max = 2ms;
  return o;
}

TEST(OutboxRelay, PublishesEveryPendingEventOnceInBatches) {
  asio::io_context ctx;
  MemoryOutbox store;
  for (int i = 0; i < 10; ++i) store.add("e" + std::to_string(i));
  FakePubSub pubsub;
  OutboxRelay relay(pubsub.fn(), ctx.get_executor(), fast());
  relay.add_store(store);
  run(ctx, relay.start());
  run_until(ctx, [&] { return store.pending() == 0; });
  run(ctx, relay.stop());
  EXPECT_EQ(pubsub.published.size(), 10u);
  for (const auto& id : pubsub.published) EXPECT_EQ(pubsub.published.count(id), 1u) << id;
  EXPECT_EQ(relay.stats().published, 10u);
  EXPECT_GE(store.claims, 4) << "10 events in batches of 3";
}

TEST(OutboxRelay, AFailedPublishReleasesTheEventAndARetryPublishesIt) {
  asio::io_context ctx;
  MemoryOutbox store;
  store.add("a");
  store.add("b");
  FakePubSub pubsub;
  pubsub.failures_left = 5;  // an outage: several passes fail
  OutboxRelay relay(pubsub.fn(), ctx.get_executor(), fast());
  relay.add_store(store);
  run(ctx, relay.start());
  run_until(ctx, [&] { return store.pending() == 0; });
  run(ctx, relay.stop());
  EXPECT_EQ(pubsub.published, (std::multiset<std::string>{"a", "b"}));
  EXPECT_GE(store.releases, 1) << "failed events go back at once, not after their lease";
  EXPECT_EQ(relay.stats().failed, 5u);
}

TEST(OutboxRelay, WakeSendsANewEventWithoutWaitingForThePoll) {
  asio::io_context ctx;
  MemoryOutbox store;
  FakePubSub pubsub;
  auto options = fast();
  options.poll_interval = 1h;  // only wake() can bring the pass
  OutboxRelay relay(pubsub.fn(), ctx.get_executor(), options);
  relay.add_store(store);
  run(ctx, relay.start());
  run_until(ctx, [&] { return relay.stats().passes >= 1; });  // the start pass, on an empty store
  store.add("late");
  relay.wake();
  run_until(ctx, [&] { return store.pending() == 0; });
  run(ctx, relay.stop());
  EXPECT_EQ(pubsub.published.count("late"), 1u);
}

TEST(OutboxRelay, StopRunsALastPassForWhatWasWrittenDuringTheDrain) {
  asio::io_context ctx;
  MemoryOutbox store;
  FakePubSub pubsub;
  auto options = fast();
  options.poll_interval = 1h;
  OutboxRelay relay(pubsub.fn(), ctx.get_executor(), options);
  relay.add_store(store);
  run(ctx, relay.start());
  run_until(ctx, [&] { return relay.stats().passes >= 1; });
  store.add("written-while-draining");  // no wake: only stop()'s last pass can send it
  run(ctx, relay.stop());
  EXPECT_EQ(store.pending(), 0u);
}

TEST(OutboxRelay, TheOutboxCheckFailsOnlyWhenEventsWaitTooLong) {
  asio::io_context ctx;
  MemoryOutbox store;
  FakePubSub pubsub;
  OutboxRelay relay(pubsub.fn(), ctx.get_executor(), fast());
  relay.add_store(store);
  auto checks = relay.checks();
  ASSERT_EQ(checks.size(), 1u);
  EXPECT_EQ(checks[0].name, "outbox");
  EXPECT_FALSE(checks[0].critical) << "a late event degrades; it does not take the service out of rotation";
  run(ctx, checks[0].probe());  // an empty backlog is healthy
  store.add("fresh");
  run(ctx, checks[0].probe());  // and so is an event that has waited a moment

  store.add("stuck", std::chrono::system_clock::now() - 2min);  // never started: nothing publishes it
  std::string failure;
  auto probe = [&]() -> awaitable<void> {
    try {
      co_await checks[0].probe();
    } catch (const vibework::infra::UnavailableError& e) {
      failure = e.what();
    }
  };
  run(ctx, probe());
  EXPECT_NE(failure.find("2 event(s) waiting"), std::string::npos) << failure;
}

}  // namespace
