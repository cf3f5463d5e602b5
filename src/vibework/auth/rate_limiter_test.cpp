// RateLimiter against the shared Redis: the limit holds for a parallel burst and across two
// limiters (two instances), the 429 is Better-Auth's, and a Redis outage falls back to counting
// in the process (logged once) instead of letting everything through.
#include "vibework/auth/rate_limiter.hpp"

#include <future>

#include <boost/asio/use_future.hpp>
#include <gtest/gtest.h>

#include "vibework/redis/test_support.hpp"
#include "vibework/testkit/log_watch.hpp"

namespace vibework::auth {
namespace {

using namespace std::chrono_literals;

class RateLimiterTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    runtime_ = new infra::Runtime(infra::RuntimeOptions{.io_threads = 2, .blocking_threads = 1});
    runtime_->start();
    client_ = std::make_shared<redis::Client>(redis::test::shared_config(), *runtime_);
    testkit::run_async(client_->start());
  }
  static void TearDownTestSuite() {
    testkit::run_async([]() -> awaitable<void> {
      auto keys = co_await client_->scan_all(prefix() + "*");
      if (!keys.empty()) co_await client_->del(keys);
      co_await client_->stop();
    }());
    client_.reset();
    delete runtime_;
  }
  static std::string prefix() { return redis::test::unique_prefix("ratelimit"); }
  static RateLimitOptions options(int max = 5) {
    return {.enabled = true, .default_rule = {10s, max}, .production = false, .proxies = {}, .key_prefix = prefix()};
  }
  static http::Request request(std::string remote) {
    http::Request req;
    req.remote = std::move(remote);
    return req;
  }

  static inline infra::Runtime* runtime_ = nullptr;
  static inline std::shared_ptr<redis::Client> client_;
};

TEST_F(RateLimiterTest, AParallelBurstGetsExactlyTheLimitAcrossInstances) {
  RateLimiter one(options(), client_.get());
  RateLimiter two(options(), client_.get());  // another instance: same Redis, same buckets
  int allowed = 0;
  std::vector<std::future<RateDecision>> calls;
  for (int i = 0; i < 40; ++i) {
    auto& limiter = i % 2 == 0 ? one : two;
    calls.push_back(asio::co_spawn(runtime_->io_context(static_cast<std::size_t>(i) % 2),
                                   limiter.consume("203.0.113.1|/burst", {10s, 5}), asio::use_future));
  }
  for (auto& c : calls) allowed += c.get().allowed ? 1 : 0;
  EXPECT_EQ(allowed, 5);
  const auto refused = testkit::run_async(two.consume("203.0.113.1|/burst", {10s, 5}));
  EXPECT_FALSE(refused.allowed);
  EXPECT_GE(refused.retry_after, 1s);
  EXPECT_LE(refused.retry_after, 10s);
  EXPECT_TRUE(testkit::run_async(one.consume("203.0.113.2|/burst", {10s, 5})).allowed) << "another client";
}

TEST_F(RateLimiterTest, SignInHasItsOwnStricterRuleAndA429LikeBetterAuths) {
  RateLimiter limiter(options(100), client_.get());
  const auto req = request("198.51.100.7:4000");
  for (int i = 0; i < 3; ++i) EXPECT_FALSE(testkit::run_async(limiter.check(req, "/sign-in/email")).has_value());
  auto refused = testkit::run_async(limiter.check(req, "/sign-in/email"));
  ASSERT_TRUE(refused.has_value());
  EXPECT_EQ(refused->result(), http::Status::too_many_requests);
  EXPECT_NE(refused->body().find("Too many requests. Please try again later."), std::string::npos);
  EXPECT_FALSE((*refused)["X-Retry-After"].empty());
  EXPECT_FALSE(testkit::run_async(limiter.check(req, "/get-session")).has_value()) << "other paths count apart";
}

TEST_F(RateLimiterTest, DisabledCountsNothing) {
  auto off = options(1);
  off.enabled = false;
  RateLimiter limiter(off, client_.get());
  const auto req = request("198.51.100.8:4000");
  for (int i = 0; i < 5; ++i) EXPECT_FALSE(testkit::run_async(limiter.check(req, "/sign-in/email")).has_value());
}

TEST_F(RateLimiterTest, WithoutRedisTheProcessCountsAndSaysSoOnce) {
  testkit::LogWatch outage_logged("counting in this process");
  redis::test::PrivateRedisServer server;
  auto down = std::make_shared<redis::Client>(redis::test::private_config(server.url()), *runtime_);
  testkit::run_async(down->start());
  server.kill();
  RateLimiter limiter(options(), down.get());
  int allowed = 0;
  for (int i = 0; i < 8; ++i) allowed += testkit::run_async(limiter.consume("k", {10s, 5})).allowed ? 1 : 0;
  EXPECT_EQ(allowed, 5) << "a limit still holds";
  EXPECT_EQ(outage_logged.count(), 1);
  testkit::run_async(down->stop());
}

}  // namespace
}  // namespace vibework::auth
