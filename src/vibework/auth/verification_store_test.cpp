// VerificationStore on the real MariaDB: rows expire, and a token is consumed once even when
// many requests race with it.
#include "vibework/auth/verification_store.hpp"

#include <atomic>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <gtest/gtest.h>

#include "vibework/auth/test_support.hpp"
#include "vibework/testkit/async.hpp"
#include "vibework/testkit/co_assert.hpp"

namespace vibework::auth {
namespace {

using namespace std::chrono_literals;

class VerificationStoreTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    config_ = new mysql::Config(test_support::migrated_database("vibework_test_auth_verifications"));
  }
  static void TearDownTestSuite() { delete config_; }
  void SetUp() override {
    testkit::run_async([this]() -> awaitable<void> { co_await db_.start(); }());
  }
  void TearDown() override {
    testkit::run_async([this]() -> awaitable<void> { co_await db_.stop(); }());
  }

  static mysql::Config* config_;
  mysql::Database db_{*config_};
  TimePoint now_{std::chrono::milliseconds(1'800'000'000'000)};
  VerificationStore store_{db_, [this] { return now_; }};
};
mysql::Config* VerificationStoreTest::config_ = nullptr;

TEST_F(VerificationStoreTest, PeekLeavesConsumeTakesAndExpiryEndsBoth) {
  testkit::run_async([this]() -> awaitable<void> {
    co_await store_.create(db_, "reset-password:abc", "user-1", 3600s);
    EXPECT_EQ(co_await store_.peek("reset-password:abc"), "user-1");
    EXPECT_EQ(co_await store_.peek("reset-password:abc"), "user-1") << "peek leaves it";
    EXPECT_EQ(co_await store_.consume("reset-password:abc"), "user-1");
    EXPECT_EQ(co_await store_.consume("reset-password:abc"), std::nullopt) << "single use";
    EXPECT_EQ(co_await store_.peek("reset-password:abc"), std::nullopt);

    co_await store_.create(db_, "reset-password:old", "user-2", 60s);
    now_ += 61s;
    EXPECT_EQ(co_await store_.peek("reset-password:old"), std::nullopt);
    EXPECT_EQ(co_await store_.consume("reset-password:old"), std::nullopt) << "expired";
  }());
}

TEST_F(VerificationStoreTest, OfManyRacingConsumersOneWins) {
  testkit::run_async([this]() -> awaitable<void> {
    co_await store_.create(db_, "reset-password:race", "user-3", 3600s);
    int winners = 0, done = 0;
    for (int i = 0; i < 8; ++i) {
      asio::co_spawn(co_await asio::this_coro::executor,
                     [this, &winners, &done]() -> awaitable<void> {
                       if (co_await store_.consume("reset-password:race")) ++winners;
                       ++done;
                     },
                     asio::detached);
    }
    asio::steady_timer tick(co_await asio::this_coro::executor);
    for (int i = 0; i < 3000 && done < 8; ++i) {  // waits for the 8 consumers (bounded)
      tick.expires_after(10ms);
      co_await tick.async_wait(use_awaitable);
    }
    CO_ASSERT_TRUE(done == 8);
    EXPECT_EQ(winners, 1);
  }());
}

}  // namespace
}  // namespace vibework::auth
