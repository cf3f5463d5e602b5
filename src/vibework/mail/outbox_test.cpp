// The outbox's claims on real MariaDB: a lease gives a row to one sender, a lease that runs
// out (a crashed sender) frees it, a release gives it back uncounted, a failure schedules the
// retry, and only old sent rows are pruned. No row is ever lost on the way.
#include "vibework/mail/outbox.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_future.hpp>
#include <gtest/gtest.h>

#include "vibework/infra/current_trace.hpp"
#include "vibework/infra/trace_context.hpp"
#include "vibework/mail/test_support.hpp"

using namespace vibework;
using namespace vibework::mail;
using namespace std::chrono_literals;

namespace {

class OutboxTest : public test::MailFixture {
 protected:
  Outbox outbox() { return Outbox(*db_); }
  void enqueue(int n) {
    run([&]() -> awaitable<void> {
      auto box = outbox();
      for (int i = 0; i < n; ++i) {
        Mail mail{"row" + std::to_string(i) + "@example.test", "s", "t", "", "test"};
        co_await box.enqueue(*db_, std::move(mail));
      }
    });
  }
  std::vector<OutboxRow> claim(const std::string& owner, std::size_t limit, std::chrono::milliseconds lease = 60s) {
    return run([&]() -> awaitable<std::vector<OutboxRow>> { co_return co_await outbox().claim(owner, limit, lease); });
  }
};

TEST_F(OutboxTest, ALeaseGivesEachRowToOneSender) {
  enqueue(3);
  const auto a = claim("a", 2);
  const auto b = claim("b", 10);
  EXPECT_EQ(a.size(), 2u);
  ASSERT_EQ(b.size(), 1u);
  EXPECT_TRUE(claim("c", 10).empty());
  EXPECT_EQ(b[0].attempts, 1u);
  EXPECT_EQ(b[0].mail.to, "row2@example.test");
  EXPECT_NE(a[0].id, b[0].id);
  EXPECT_NE(a[1].id, b[0].id);
}

// The sender continues the trace of the request that wrote the mail (tests/e2e/tracing_e2e_test).
TEST_F(OutboxTest, ARowCarriesTheTraceOfTheWorkThatWroteIt) {
  const auto trace = infra::start_trace();
  const auto traced = infra::traced(runtime_->io_context(0).get_executor(), trace);
  auto write = [this]() -> awaitable<void> {
    auto box = outbox();
    Mail mail{"traced@example.test", "s", "t", "", "test"};
    co_await box.enqueue(*db_, std::move(mail));
  };
  auto written = asio::co_spawn(traced, write(), asio::use_future);
  ASSERT_EQ(written.wait_for(60s), std::future_status::ready);
  written.get();
  enqueue(1);  // outside any trace
  const auto rows = claim("a", 10);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].traceparent, trace.traceparent());
  EXPECT_EQ(rows[1].traceparent, "");
}

TEST_F(OutboxTest, ALeaseThatRunsOutFreesTheRowForAnotherSender) {
  enqueue(1);
  ASSERT_EQ(claim("crashed", 1, 1000ms).size(), 1u);  // and never marked: the sender died
  EXPECT_TRUE(claim("other", 1).empty());
  std::vector<OutboxRow> again;
  ASSERT_TRUE(testkit::eventually([&] { return !(again = claim("other", 1)).empty(); }, 10s, 50ms));
  EXPECT_EQ(again[0].attempts, 2u);
}

TEST_F(OutboxTest, AReleasedRowIsDueAgainAtOnceWithItsAttemptUncounted) {
  enqueue(1);
  const auto rows = claim("stopping", 1);
  ASSERT_EQ(rows.size(), 1u);
  run([&]() -> awaitable<void> { co_await outbox().release(rows[0].id, "stopping"); });
  const auto again = claim("next", 1);
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].attempts, 1u);
}

TEST_F(OutboxTest, AFailureSchedulesTheRetryAndKeepsTheError) {
  enqueue(1);
  const auto rows = claim("a", 1);
  ASSERT_EQ(rows.size(), 1u);
  run([&]() -> awaitable<void> { co_await outbox().mark_failed(rows[0].id, "a", "connection refused", 1h); });
  EXPECT_TRUE(claim("b", 1).empty()) << "not due for an hour";
  EXPECT_EQ(count_rows("last_error = 'connection refused' AND locked_by IS NULL AND sent_at IS NULL"), 1u);
  // A mark from a sender that no longer holds the lease changes nothing.
  run([&]() -> awaitable<void> { co_await outbox().mark_sent(rows[0].id, "a"); });
  EXPECT_EQ(count_rows("sent_at IS NULL"), 1u);
}

TEST_F(OutboxTest, OnlySentRowsOlderThanTheRetentionArePruned) {
  enqueue(3);
  const auto rows = claim("a", 2);
  ASSERT_EQ(rows.size(), 2u);
  run([&]() -> awaitable<void> {
    auto box = outbox();
    co_await box.mark_sent(rows[0].id, "a");
    co_await box.mark_sent(rows[1].id, "a");
    co_await db_->execute("UPDATE mail_outbox SET sent_at = NOW(3) - INTERVAL 200 HOUR WHERE id = ?", rows[0].id);
    EXPECT_EQ(co_await box.prune_sent(std::chrono::hours(168)), 1u);
  });
  EXPECT_EQ(count_rows("1 = 1"), 2u);  // the recent sent row and the unsent one
  EXPECT_EQ(count_rows("sent_at IS NULL"), 1u);
}

}  // namespace
