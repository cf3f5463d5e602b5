// Rate-limit rules, the client address and Retry-After as Better-Auth computes them (§7.3).
#include <gtest/gtest.h>

#include "vibework/auth/rate_limit_rules.hpp"

namespace vibework::auth {
namespace {

using namespace std::chrono_literals;

TEST(RateLimitRules, SpecialRulesForCredentialsAndMails) {
  const RateLimitRule credentials{10s, 3}, mails{60s, 3}, fallback{10s, 100};
  EXPECT_EQ(rate_limit_rule("/sign-in/email"), credentials);
  EXPECT_EQ(rate_limit_rule("/sign-up/email"), credentials);
  EXPECT_EQ(rate_limit_rule("/change-password"), credentials);
  EXPECT_EQ(rate_limit_rule("/change-email"), credentials);
  EXPECT_EQ(rate_limit_rule("/request-password-reset"), mails);
  EXPECT_EQ(rate_limit_rule("/send-verification-email"), mails);
  EXPECT_EQ(rate_limit_rule("/forget-password"), mails);
  EXPECT_EQ(rate_limit_rule("/get-session"), fallback);
  EXPECT_EQ(rate_limit_rule("/sign-out", {60s, 10}), (RateLimitRule{60s, 10})) << "/sign-out is not /sign-in";
}

TEST(RateLimitRules, BucketsAreAddressesWithIPv6MaskedTo64) {
  EXPECT_EQ(rate_limit_ip("203.0.113.7", true), "203.0.113.7");
  EXPECT_EQ(rate_limit_ip(" 203.0.113.7 ", true), "203.0.113.7");
  EXPECT_EQ(rate_limit_ip("::ffff:203.0.113.7", true), "203.0.113.7");
  EXPECT_EQ(rate_limit_ip("2001:db8:1:2:3:4:5:6", true), "2001:db8:1:2::") << "one bucket per /64";
  EXPECT_EQ(rate_limit_ip("2001:db8:1:2:ffff::1", true), "2001:db8:1:2::");
}

TEST(RateLimitRules, WithoutAUsableAddressProductionFailsClosed) {
  EXPECT_EQ(rate_limit_ip("", true), "no-trusted-ip");
  EXPECT_EQ(rate_limit_ip("not-an-ip", true), "no-trusted-ip");
  EXPECT_EQ(rate_limit_ip("", false), "127.0.0.1");
}

TEST(RateLimitRules, TheSocketPeerIsTheClientUnlessItIsATrustedProxy) {
  const TrustedProxies none;
  EXPECT_EQ(client_address("198.51.100.1", "203.0.113.7", none), "198.51.100.1") << "X-Forwarded-For is not believed";
  const auto proxies = TrustedProxies::parse("10.0.0.0/8, 127.0.0.1, fd00::/8");
  EXPECT_EQ(client_address("198.51.100.1", "203.0.113.7", proxies), "198.51.100.1") << "not our proxy";
  EXPECT_EQ(client_address("10.1.2.3", "203.0.113.7", proxies), "203.0.113.7");
  EXPECT_EQ(client_address("10.1.2.3", "6.6.6.6, 203.0.113.7, 10.9.9.9", proxies), "203.0.113.7")
      << "walked from the right, past our hops; the forged left-most value is ignored";
  EXPECT_EQ(client_address("fd00::1", "2001:db8::5", proxies), "2001:db8::5");
  EXPECT_EQ(client_address("127.0.0.1", "10.0.0.1", proxies), "10.0.0.1") << "every hop is ours";
  EXPECT_EQ(client_address("127.0.0.1", "", proxies), "127.0.0.1");
  EXPECT_EQ(client_address("10.1.2.3", "203.0.113.7, garbage", proxies), "");
  EXPECT_TRUE(proxies.contains("::ffff:10.0.0.1")) << "IPv4-mapped IPv6 is the IPv4 address";
  EXPECT_FALSE(proxies.contains("11.0.0.1"));
}

TEST(RateLimitRules, TrustProxyEntriesAreCheckedAtStart) {
  EXPECT_THROW(TrustedProxies::parse("10.0.0.0/33"), std::invalid_argument);
  EXPECT_THROW(TrustedProxies::parse("proxy.internal"), std::invalid_argument);
  EXPECT_THROW(TrustedProxies::parse("10.0.0.0/"), std::invalid_argument);
  EXPECT_TRUE(TrustedProxies::parse("").empty());
}

TEST(RateLimitRules, TheWindowRunsFromTheLastAllowedRequest) {
  const std::chrono::system_clock::time_point t0{std::chrono::seconds(1'800'000'000)};
  const RateLimitRule rule{10s, 3};
  RateBucket bucket;
  EXPECT_TRUE(consume(bucket, rule, t0).allowed);
  EXPECT_TRUE(consume(bucket, rule, t0 + 1s).allowed);
  EXPECT_TRUE(consume(bucket, rule, t0 + 2s).allowed);
  const auto refused = consume(bucket, rule, t0 + 3s);
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.retry_after, 9s) << "counted from the last allowed request (t0 + 2 s)";
  EXPECT_FALSE(consume(bucket, rule, t0 + 11s).allowed) << "refusals do not move the window";
  EXPECT_TRUE(consume(bucket, rule, t0 + 12s).allowed);
  EXPECT_EQ(bucket.count, 1);
}

TEST(RateLimitRules, RetryAfterIsTheRestOfTheWindowRoundedUp) {
  const std::chrono::system_clock::time_point t0{std::chrono::seconds(1'800'000'000)};
  EXPECT_EQ(retry_after(t0, 10s, t0 + 2500ms), 8s);
  EXPECT_EQ(retry_after(t0, 10s, t0), 10s);
  EXPECT_EQ(retry_after(t0, 10s, t0 + 10s), 1s) << "never 0: the client would retry at once";
}

}  // namespace
}  // namespace vibework::auth
