// MysqlOutbox against the real MariaDB on the migrated schema (event_outbox included).
#include <algorithm>
#include <mutex>
#include <set>

#include <gtest/gtest.h>

#include "vibework/app/events/mysql_outbox.hpp"
#include "vibework/auth/test_support.hpp"
#include "vibework/infra/errors.hpp"
#include "vibework/testkit/async.hpp"
#include "vibework/testkit/co_assert.hpp"

namespace vibework::app::events {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr milliseconds long_lease{60'000};

// Events created a second apart from a fixed start, so "oldest first" is known.
OutboxEvent event(int n) {
  const TimePoint start = std::chrono::sys_days{std::chrono::year{2030} / 1 / 1};
  return {.id = "evt-" + std::to_string(n), .topic = "events", .event_type = "test.happened",
          .data = R"({"n":)" + std::to_string(n) + "}", .created_at = start + seconds(n)};
}

std::vector<std::string> ids_of(const std::vector<OutboxEvent>& events) {
  std::vector<std::string> ids;
  for (const auto& e : events) ids.push_back(e.id);
  return ids;
}

class MysqlOutboxTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    config_ = new mysql::Config(auth::test_support::migrated_database("vibework_test_app_event_outbox"));
  }
  static void TearDownTestSuite() { delete config_; }
  void SetUp() override {
    testkit::run_async([this]() -> awaitable<void> {
      co_await db_.start();
      co_await db_.execute("DELETE FROM event_outbox");
    }());
  }
  void TearDown() override {
    testkit::run_async([this]() -> awaitable<void> { co_await db_.stop(); }());
  }

  awaitable<void> record(int from, int to) {
    for (int n = from; n <= to; ++n) {
      OutboxEvent e = event(n);
      co_await MysqlOutbox::record(db_, std::move(e));
    }
  }
  awaitable<std::optional<EventOutboxRow>> row(std::string id) {
    const auto& t = MysqlOutbox::table();
    co_return co_await db_.select(t).where(t.id == id).first();
  }

  static mysql::Config* config_;
  mysql::Database db_{*config_};
  MysqlOutbox outbox_{db_};
};
mysql::Config* MysqlOutboxTest::config_ = nullptr;

TEST_F(MysqlOutboxTest, RecordWritesTheEventAsItWillBeRelayed) {
  testkit::run_async([this]() -> awaitable<void> {
    co_await record(1, 1);
    const auto stored = co_await row("evt-1");
    CO_ASSERT_TRUE(stored.has_value());
    EXPECT_EQ(stored->topic, "events");
    EXPECT_EQ(stored->event_type, "test.happened");
    EXPECT_EQ(stored->payload, R"({"n":1})");
    EXPECT_EQ(stored->created_at, event(1).created_at);
    EXPECT_EQ(stored->attempts, 0u);
    EXPECT_FALSE(stored->lease_owner.has_value());
    EXPECT_FALSE(stored->published_at.has_value());

    OutboxEvent no_id = event(2);
    no_id.id.clear();
    bool rejected = false;
    try {
      co_await MysqlOutbox::record(db_, std::move(no_id));
    } catch (const infra::InvalidArgumentError&) {
      rejected = true;
    }
    EXPECT_TRUE(rejected);
  }());
}

TEST_F(MysqlOutboxTest, AClaimedEventIsNotHandedToAnotherOwnerWhileLeased) {
  testkit::run_async([this]() -> awaitable<void> {
    co_await record(1, 5);
    const auto first = co_await outbox_.claim("relay-a#1", 2, long_lease);
    EXPECT_EQ(ids_of(first), (std::vector<std::string>{"evt-1", "evt-2"}));  // oldest first
    CO_ASSERT_TRUE(!first.empty());
    EXPECT_EQ(first.front().data, R"({"n":1})");
    const auto second = co_await outbox_.claim("relay-b#1", 10, long_lease);
    EXPECT_EQ(ids_of(second), (std::vector<std::string>{"evt-3", "evt-4", "evt-5"}));
    const auto third = co_await outbox_.claim("relay-c#1", 10, long_lease);
    EXPECT_TRUE(third.empty());
  }());
}

TEST_F(MysqlOutboxTest, ConcurrentClaimersOnSeveralThreadsShareEventsWithoutOverlap) {
  testkit::run_async([this]() -> awaitable<void> { co_await record(1, 60); }());
  std::mutex mutex;
  std::vector<std::string> claimed;
  auto claimer = [&](std::size_t i) -> awaitable<void> {
    for (int round = 0;; ++round) {
      const std::string owner = "relay-" + std::to_string(i) + "#" + std::to_string(round);
      auto batch = co_await outbox_.claim(owner, 7, long_lease);
      if (batch.empty()) co_return;
      const std::lock_guard lock(mutex);
      for (auto& e : batch) claimed.push_back(std::move(e.id));
    }
  };
  const auto errors = mysql::test_support::run_concurrently(4, 4, claimer);
  for (const auto& e : errors) EXPECT_EQ(e, nullptr);
  const std::set<std::string> distinct(claimed.begin(), claimed.end());
  EXPECT_EQ(claimed.size(), 60u);
  EXPECT_EQ(distinct.size(), 60u);
}

TEST_F(MysqlOutboxTest, AnExpiredLeaseIsClaimedAgainAndTheStaleOwnerCannotMarkIt) {
  testkit::run_async([this]() -> awaitable<void> {
    co_await record(1, 1);
    const auto first = co_await outbox_.claim("relay-a#1", 10, long_lease);
    CO_ASSERT_TRUE(first.size() == 1u);
    // As if relay-a had died: its lease ran out.
    co_await db_.execute("UPDATE event_outbox SET lease_until = NOW(3) - INTERVAL 1 SECOND");
    const auto again = co_await outbox_.claim("relay-b#1", 10, long_lease);
    EXPECT_EQ(ids_of(again), (std::vector<std::string>{"evt-1"}));

    const std::vector<std::string> stale{"evt-1"};
    co_await outbox_.mark_published("relay-a#1", stale);  // too late: not relay-a's any more
    const auto still = co_await row("evt-1");
    CO_ASSERT_TRUE(still.has_value());
    EXPECT_FALSE(still->published_at.has_value());
    EXPECT_EQ(still->lease_owner, "relay-b#1");

    const std::vector<std::string> current{"evt-1"};
    co_await outbox_.mark_published("relay-b#1", current);
    const auto done = co_await row("evt-1");
    CO_ASSERT_TRUE(done.has_value());
    EXPECT_TRUE(done->published_at.has_value());
  }());
}

TEST_F(MysqlOutboxTest, ReleaseFreesTheEventAtOnceAndCountsTheAttempt) {
  testkit::run_async([this]() -> awaitable<void> {
    co_await record(1, 2);
    const auto first = co_await outbox_.claim("relay-a#1", 10, long_lease);
    CO_ASSERT_TRUE(first.size() == 2u);
    const std::vector<std::string> foreign{"evt-1", "evt-2"};
    co_await outbox_.release("relay-other#1", foreign);  // not its lease: nothing happens
    const auto none = co_await outbox_.claim("relay-b#1", 10, long_lease);
    EXPECT_TRUE(none.empty());

    const std::vector<std::string> one{"evt-1"};
    co_await outbox_.release("relay-a#1", one);
    const auto released = co_await row("evt-1");
    CO_ASSERT_TRUE(released.has_value());
    EXPECT_EQ(released->attempts, 1u);
    EXPECT_FALSE(released->lease_owner.has_value());
    EXPECT_FALSE(released->lease_until.has_value());
    const auto retried = co_await outbox_.claim("relay-b#2", 10, long_lease);
    EXPECT_EQ(ids_of(retried), (std::vector<std::string>{"evt-1"}));  // evt-2 is still relay-a's
  }());
}

TEST_F(MysqlOutboxTest, PublishedEventsLeaveTheBacklogAndAreNeverClaimedAgain) {
  testkit::run_async([this]() -> awaitable<void> {
    const auto empty = co_await outbox_.backlog();
    EXPECT_EQ(empty.pending, 0u);
    EXPECT_FALSE(empty.oldest.has_value());

    co_await record(1, 3);
    const auto before = co_await outbox_.backlog();
    EXPECT_EQ(before.pending, 3u);
    EXPECT_EQ(before.oldest, event(1).created_at);

    const auto claimed = co_await outbox_.claim("relay-a#1", 1, long_lease);
    EXPECT_EQ(ids_of(claimed), (std::vector<std::string>{"evt-1"}));
    const auto leased = co_await outbox_.backlog();
    EXPECT_EQ(leased.pending, 3u);  // leased is still pending: it may yet fail
    const std::vector<std::string> ids{"evt-1"};
    co_await outbox_.mark_published("relay-a#1", ids);
    const auto after = co_await outbox_.backlog();
    EXPECT_EQ(after.pending, 2u);
    EXPECT_EQ(after.oldest, event(2).created_at);

    co_await db_.execute("UPDATE event_outbox SET lease_until = NOW(3) - INTERVAL 1 SECOND");
    const auto rest = co_await outbox_.claim("relay-b#1", 10, long_lease);
    EXPECT_EQ(ids_of(rest), (std::vector<std::string>{"evt-2", "evt-3"}));
  }());
}

TEST_F(MysqlOutboxTest, PruneDeletesOnlyEventsPublishedLongEnoughAgoInChunks) {
  testkit::run_async([this]() -> awaitable<void> {
    MysqlOutbox small_chunks(db_, {.prune_chunk = 2, .prune_max_chunks = 10});
    co_await record(1, 7);
    const auto claimed = co_await outbox_.claim("relay-a#1", 6, long_lease);
    CO_ASSERT_TRUE(claimed.size() == 6u);
    co_await outbox_.mark_published("relay-a#1", ids_of(claimed));
    // evt-1..5 were published two hours ago, evt-6 just now, evt-7 never.
    co_await db_.execute("UPDATE event_outbox SET published_at = NOW(3) - INTERVAL 2 HOUR WHERE id <> 'evt-6' "
                         "AND published_at IS NOT NULL");
    const auto removed = co_await small_chunks.prune(hours(1));
    EXPECT_EQ(removed, 5u);
    const auto& t = MysqlOutbox::table();
    const auto left = co_await db_.select(t).order_by(t.id.asc()).all();
    CO_ASSERT_TRUE(left.size() == 2u);
    EXPECT_EQ(left[0].id, "evt-6");
    EXPECT_EQ(left[1].id, "evt-7");
    const auto nothing = co_await small_chunks.prune(hours(1));
    EXPECT_EQ(nothing, 0u);
  }());
}

}  // namespace
}  // namespace vibework::app::events
