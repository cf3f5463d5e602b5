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

TEST(RateLimitRules, OneForwardedAddressNamesTheClient) {
  EXPECT_EQ(client_ip("203.0.113.7", true), "203.0.113.7");
  EXPECT_EQ(client_ip(" 203.0.113.7 ", true), "203.0.113.7");
  EXPECT_EQ(client_ip("::ffff:203.0.113.7", true), "203.0.113.7");
  EXPECT_EQ(client_ip("2001:db8:1:2:3:4:5:6", true), "2001:db8:1:2::") << "one bucket per /64";
  EXPECT_EQ(client_ip("2001:db8:1:2:ffff::1", true), "2001:db8:1:2::");
}

TEST(RateLimitRules, WithoutOneUsableAddressProductionFailsClosed) {
  EXPECT_EQ(client_ip("", true), "no-trusted-ip");
  EXPECT_EQ(client_ip("198.51.100.1, 203.0.113.7", true), "no-trusted-ip") << "a chain needs trusted proxies";
  EXPECT_EQ(client_ip("not-an-ip", true), "no-trusted-ip");
  EXPECT_EQ(client_ip("", false), "127.0.0.1");
}

TEST(RateLimitRules, RetryAfterIsTheRestOfTheWindowRoundedUp) {
  const std::chrono::system_clock::time_point t0{std::chrono::seconds(1'800'000'000)};
  EXPECT_EQ(retry_after(t0, 10s, t0 + 2500ms), 8s);
  EXPECT_EQ(retry_after(t0, 10s, t0), 10s);
  EXPECT_EQ(retry_after(t0, 10s, t0 + 10s), 1s) << "never 0: the client would retry at once";
}

}  // namespace
}  // namespace vibework::auth
