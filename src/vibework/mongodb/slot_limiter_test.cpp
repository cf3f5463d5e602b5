#include "vibework/mongodb/slot_limiter.hpp"

#include <gtest/gtest.h>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include "vibework/infra/errors.hpp"
#include "vibework/infra/blocking_pool.hpp"
#include "vibework/testkit/async.hpp"

namespace vibework::mongodb {
namespace {

using std::chrono::milliseconds;

TEST(SlotLimiter, GivesOutUpToCapacityThenRefusesAfterTheWait) {
  SlotLimiter limiter(2);
  testkit::run_async([&]() -> awaitable<void> {
    auto a = co_await limiter.acquire(milliseconds(10), "h:1");
    auto b = co_await limiter.acquire(milliseconds(10), "h:1");
    EXPECT_EQ(limiter.in_use(), 2u);
    EXPECT_THROW(co_await limiter.acquire(milliseconds(10), "h:1"), infra::PoolExhaustedError);
    a.release();
    auto c = co_await limiter.acquire(milliseconds(10), "h:1");
    EXPECT_EQ(limiter.in_use(), 2u);
  }());
  EXPECT_EQ(limiter.in_use(), 0u);
}

TEST(SlotLimiter, HandsAReleasedSlotToTheOldestWaiter) {
  SlotLimiter limiter(1);
  std::vector<int> order;
  testkit::run_async([&]() -> awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    auto held = std::make_shared<SlotLimiter::Slot>(co_await limiter.acquire(milliseconds(10), "h:1"));
    int finished = 0;
    for (int i = 0; i < 3; ++i) {
      asio::co_spawn(ex, [&, i]() -> awaitable<void> {
        auto slot = co_await limiter.acquire(std::chrono::seconds(30), "h:1");
        order.push_back(i);
        asio::steady_timer t(co_await asio::this_coro::executor, milliseconds(1));  // work that holds the slot
        co_await t.async_wait(use_awaitable);
        ++finished;
      }, asio::detached);
    }
    co_await asio::post(ex, use_awaitable);  // one turn of the loop: the three queue up, in order
    held->release();  // from here the three run one after another
    auto all_finished = [&] { return finished == 3; };
    EXPECT_TRUE(co_await testkit::eventually_async(all_finished, std::chrono::seconds(10)));
  }());
  EXPECT_EQ(order, (std::vector<int>{0, 1, 2}));
  EXPECT_EQ(limiter.in_use(), 0u);
}

TEST(SlotLimiter, CloseRefusesNewAndWakesWaiters) {
  SlotLimiter limiter(1);
  testkit::run_async([&]() -> awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    auto held = co_await limiter.acquire(milliseconds(10), "h:1");
    bool waiter_saw_unavailable = false;
    asio::co_spawn(ex, [&]() -> awaitable<void> {
      try {
        (void)co_await limiter.acquire(std::chrono::seconds(30), "h:1");
      } catch (const infra::UnavailableError&) {
        waiter_saw_unavailable = true;
      }
    }, asio::detached);
    co_await asio::post(ex, use_awaitable);  // one turn of the loop: the waiter queues up
    limiter.close();
    EXPECT_THROW(co_await limiter.acquire(milliseconds(10), "h:1"), infra::UnavailableError);
    held.release();
    co_await limiter.drained();
    auto woken = [&] { return waiter_saw_unavailable; };
    EXPECT_TRUE(co_await testkit::eventually_async(woken, std::chrono::seconds(10)));
  }());
}

TEST(SlotLimiter, SlotsReleasedFromOtherThreads) {
  SlotLimiter limiter(4);
  infra::BlockingPool pool(4, "test");
  testkit::run_async([&]() -> awaitable<void> {
    for (int round = 0; round < 50; ++round) {
      auto slot = co_await limiter.acquire(std::chrono::seconds(30), "h:1");
      // A named job: GCC 12 copies a capturing lambda temporary inside co_await bitwise.
      auto job = [s = std::move(slot)]() mutable { s.release(); };
      co_await pool.run(std::move(job));
    }
  }());
  EXPECT_EQ(limiter.in_use(), 0u);
}

}  // namespace
}  // namespace vibework::mongodb
