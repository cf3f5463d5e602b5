#include "vibework/infra/timeout.hpp"

#include <boost/asio/steady_timer.hpp>
#include <gtest/gtest.h>

#include "vibework/testkit/async.hpp"

using namespace vibework;
using namespace std::chrono_literals;
using infra::with_timeout;

namespace {
awaitable<int> value_after(std::chrono::milliseconds delay, int value) {
  asio::steady_timer timer(co_await asio::this_coro::executor, delay);
  co_await timer.async_wait(use_awaitable);
  co_return value;
}
awaitable<void> throw_after(std::chrono::milliseconds delay) {
  asio::steady_timer timer(co_await asio::this_coro::executor, delay);
  co_await timer.async_wait(use_awaitable);
  throw std::runtime_error("boom");
}
// Ignores cancellation entirely: keeps waiting in small steps, like a driver call that hangs.
awaitable<int> stubborn(std::chrono::milliseconds total, std::shared_ptr<bool> finished) {
  auto ex = co_await asio::this_coro::executor;
  co_await asio::this_coro::reset_cancellation_state(asio::disable_cancellation());
  asio::steady_timer timer(ex, total);
  co_await timer.async_wait(use_awaitable);
  *finished = true;
  co_return 1;
}
}  // namespace

TEST(WithTimeout, ReturnsTheValueWhenInTime) {
  EXPECT_EQ(testkit::run_async(with_timeout(value_after(10ms, 42), 1000ms, "test", "op")), 42);
}

TEST(WithTimeout, PropagatesTheOperationsException) {
  EXPECT_THROW(testkit::run_async(with_timeout(throw_after(5ms), 1000ms, "test", "op")), std::runtime_error);
}

TEST(WithTimeout, ThrowsTimeoutErrorNamingServiceAndOperation) {
  try {
    testkit::run_async(with_timeout(value_after(5s, 1), 50ms, "redis", "GET user:1"));
    FAIL() << "expected a timeout";
  } catch (const infra::TimeoutError& e) {
    EXPECT_EQ(e.service(), "redis");
    EXPECT_NE(std::string(e.what()).find("GET user:1 did not finish within 50 ms"), std::string::npos) << e.what();
  }
}

TEST(WithTimeout, DoesNotWaitForAnOperationThatIgnoresCancellation) {
  auto finished = std::make_shared<bool>(false);
  auto task = [&]() -> awaitable<bool> {
    try {
      co_await with_timeout(stubborn(400ms, finished), 30ms, "test", "stubborn");
    } catch (const infra::TimeoutError&) {
      co_return *finished;
    }
    co_return true;
  };
  // The caller saw the timeout while the operation was still running.
  EXPECT_FALSE(testkit::run_async(task()));
  EXPECT_TRUE(*finished);  // and the operation was left to end by itself, not destroyed mid-way
}

TEST(WithTimeout, WorksForVoid) {
  auto task = []() -> awaitable<void> {
    asio::steady_timer t(co_await asio::this_coro::executor, 1ms);
    co_await t.async_wait(use_awaitable);
  };
  EXPECT_NO_THROW(testkit::run_async(with_timeout(task(), 1000ms, "test", "void op")));
}
