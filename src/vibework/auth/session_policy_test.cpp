// Session lifetimes: creation, expiry, the sliding refresh and freshness (facts file §4, §1.4).
#include <gtest/gtest.h>

#include "vibework/auth/session_policy.hpp"

namespace vibework::auth {
namespace {

using namespace std::chrono_literals;
const TimePoint t0{std::chrono::milliseconds(1'800'000'000'000)};
const SessionPolicy policy;

TEST(SessionPolicy, NewSessionsLiveSevenDaysOrOneWithoutRememberMe) {
  EXPECT_EQ(policy.new_expiry(t0, true), t0 + 7 * 24h);
  EXPECT_EQ(policy.new_expiry(t0, false), t0 + 24h);
}

TEST(SessionPolicy, ExpiredSessionsAreGone) {
  const auto expires = t0 + 7 * 24h;
  EXPECT_EQ(policy.on_presented(expires, expires + 1ms, false, false), Presented::expired);
  EXPECT_NE(policy.on_presented(expires, expires, false, false), Presented::expired) << "expiresAt < now, strictly";
  EXPECT_EQ(policy.on_presented(expires, expires + 1ms, true, true), Presented::expired);
}

TEST(SessionPolicy, SlidesOnceADayAtMost) {
  const auto expires = policy.new_expiry(t0, true);
  EXPECT_EQ(policy.on_presented(expires, t0 + 1h, false, false), Presented::keep);
  EXPECT_EQ(policy.on_presented(expires, t0 + 24h - 1ms, false, false), Presented::keep);
  EXPECT_EQ(policy.on_presented(expires, t0 + 24h, false, false), Presented::refresh);
  EXPECT_EQ(policy.refreshed_expiry(t0 + 24h), t0 + 8 * 24h);
}

TEST(SessionPolicy, DontRememberAndDisableRefreshNeverSlide) {
  const auto expires = policy.new_expiry(t0, true);
  EXPECT_EQ(policy.on_presented(expires, t0 + 3 * 24h, true, false), Presented::keep);
  EXPECT_EQ(policy.on_presented(expires, t0 + 3 * 24h, false, true), Presented::keep);
}

TEST(SessionPolicy, FreshForADayAfterCreationUnlessDisabled) {
  EXPECT_TRUE(policy.is_fresh(t0, t0 + 24h - 1ms));
  EXPECT_FALSE(policy.is_fresh(t0, t0 + 24h));
  SessionPolicy never_stale;
  never_stale.fresh_age = 0s;
  EXPECT_TRUE(never_stale.is_fresh(t0, t0 + 365 * 24h));
}

}  // namespace
}  // namespace vibework::auth
