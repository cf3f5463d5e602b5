#include "vibework/infra/recent_errors.hpp"

#include <gtest/gtest.h>

#include "vibework/infra/health.hpp"
#include "vibework/testkit/async.hpp"

using namespace vibework;
using namespace std::chrono_literals;
using infra::RecentErrors;

namespace {
const auto t0 = std::chrono::system_clock::time_point{} + 1000h;
}

TEST(RecentErrors, IsBoundedAndNewestFirst) {
  RecentErrors errors(3);
  for (int i = 0; i < 5; ++i) errors.record("check" + std::to_string(i), "failed " + std::to_string(i), t0 + i * 1s);
  const auto all = errors.snapshot();
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].check, "check4");
  EXPECT_EQ(all[1].check, "check3");
  EXPECT_EQ(all[2].check, "check2");
}

TEST(RecentErrors, ARepeatedFailureIsOneEntryWithACountAndMovesToTheFront) {
  RecentErrors errors(5);
  errors.record("redis", "connection refused", t0);
  errors.record("mysql", "timed out after 5000 ms", t0 + 1s);
  errors.record("redis", "connection refused", t0 + 2s);
  errors.record("redis", "connection refused", t0 + 3s);
  auto all = errors.snapshot();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].check, "redis");
  EXPECT_EQ(all[0].count, 3u);
  EXPECT_EQ(all[0].first, t0);
  EXPECT_EQ(all[0].last, t0 + 3s);
  EXPECT_EQ(all[1].check, "mysql");

  errors.record("redis", "auth failed", t0 + 4s);  // another way of failing: a new entry
  all = errors.snapshot();
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].message, "auth failed");
  EXPECT_EQ(all[0].count, 1u);
}

TEST(RecentErrors, MessagesThatDifferOnlyInTheirNumbersAreTheSameOutage) {
  RecentErrors errors(5);
  errors.record("mail", "connect to 127.0.0.1 port 57965 after 0 ms: refused", t0);
  errors.record("mail", "connect to 127.0.0.1 port 57965 after 12 ms: refused", t0 + 1s);
  auto all = errors.snapshot();
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].count, 2u);
  EXPECT_EQ(all[0].message, "connect to 127.0.0.1 port 57965 after 12 ms: refused") << "the newest text";

  errors.record("mail", "connect to 127.0.0.1 port 57965 after 3 ms: timed out", t0 + 2s);
  errors.record("mail", "connect to 127.0.0.1 port 57965 after 3 ms", t0 + 3s);
  all = errors.snapshot();
  ASSERT_EQ(all.size(), 3u) << "words differ, or one message is a prefix of the other";
}

TEST(RecentErrors, FedByEveryReadinessReport) {
  RecentErrors errors;
  infra::Readiness readiness(1000ms);
  readiness.on_report([&errors](const infra::ReadinessReport& r) { errors.record(r); });
  readiness.add({"good", "", []() -> awaitable<void> { co_return; }, ""});
  readiness.add({"bad", "127.0.0.1:1", []() -> awaitable<void> {
                   throw std::runtime_error("connection refused <127.0.0.1:1>");
                   co_return;
                 }, ""});
  (void)testkit::run_async(readiness.report());
  (void)testkit::run_async(readiness.report());
  const auto all = errors.snapshot();
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].check, "bad");
  EXPECT_EQ(all[0].message, "connection refused <127.0.0.1:1>");
  EXPECT_EQ(all[0].count, 2u);
}
