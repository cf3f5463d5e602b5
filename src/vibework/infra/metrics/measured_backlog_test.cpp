#include "vibework/infra/metrics/measured_backlog.hpp"

#include <gtest/gtest.h>

namespace vibework::infra::metrics {
namespace {
using namespace std::chrono_literals;

TEST(MeasuredBacklog, DueOncePerInterval) {
  MeasuredBacklog b(5s);
  const auto t0 = std::chrono::steady_clock::now();
  EXPECT_TRUE(b.due(t0)) << "the first measurement is due at once";
  EXPECT_FALSE(b.due(t0 + 4s));
  EXPECT_TRUE(b.due(t0 + 5s));
  EXPECT_FALSE(b.due(t0 + 9s));
}

TEST(MeasuredBacklog, AgeOfTheOldestAndZeroWhenEmpty) {
  MeasuredBacklog b(1s);
  const auto now = std::chrono::system_clock::now();
  EXPECT_EQ(b.pending(), 0.0);
  EXPECT_EQ(b.oldest_age_seconds(now), 0.0);
  b.record(3, now - 2500ms);
  EXPECT_EQ(b.pending(), 3.0);
  EXPECT_DOUBLE_EQ(b.oldest_age_seconds(now), 2.5);
  EXPECT_EQ(b.oldest_age_seconds(now - 1h), 0.0) << "a clock behind the item is never a negative age";
  b.record(0, std::nullopt);
  EXPECT_EQ(b.pending(), 0.0);
  EXPECT_EQ(b.oldest_age_seconds(now), 0.0);
}

}  // namespace
}  // namespace vibework::infra::metrics
