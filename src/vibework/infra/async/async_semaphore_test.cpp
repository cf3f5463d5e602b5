// AsyncSemaphore: capacity, FIFO hand-off, close, cross-thread release, and its errors.
// (These were the tests of MongoDB's SlotLimiter, which it replaces.)
#include "vibework/infra/async/async_semaphore.hpp"

#include <gtest/gtest.h>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include "vibework/infra/blocking_pool.hpp"
#include "vibework/infra/errors.hpp"
#include "vibework/testkit/async.hpp"

namespace vibework::infra {
namespace {

using std::chrono::milliseconds;

SemaphoreErrors errors() {
  return {"mongodb", "a connection to h:1", "raise MONGODB_POOL_SIZE", "the MongoDB client for h:1 is shut down",
          "the service is stopping"};
}

TEST(AsyncSemaphore, GivesOutUpToCapacityThenRefusesAfterTheWait) {
  AsyncSemaphore limiter(2, errors());
  testkit::run_async([&]() -> awaitable<void> {
    auto a = co_await limiter.acquire(milliseconds(10));
    auto b = co_await limiter.acquire(milliseconds(10));
    EXPECT_EQ(limiter.in_use(), 2u);
    EXPECT_THROW(co_await limiter.acquire(milliseconds(10)), PoolExhaustedError);
    a.release();
    auto c = co_await limiter.acquire(milliseconds(10));
    EXPECT_EQ(limiter.in_use(), 2u);
  }());
  EXPECT_EQ(limiter.in_use(), 0u);
}

TEST(AsyncSemaphore, HandsAReleasedSlotToTheOldestWaiter) {
  AsyncSemaphore limiter(1, errors());
  std::vector<int> order;
  testkit::run_async([&]() -> awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    auto held = std::make_shared<AsyncSemaphore::Permit>(co_await limiter.acquire(milliseconds(10)));
    int finished = 0;
    for (int i = 0; i < 3; ++i) {
      asio::co_spawn(ex, [&, i]() -> awaitable<void> {
        auto slot = co_await limiter.acquire(std::chrono::seconds(30));
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

TEST(AsyncSemaphore, CloseRefusesNewAndWakesWaiters) {
  AsyncSemaphore limiter(1, errors());
  testkit::run_async([&]() -> awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    auto held = co_await limiter.acquire(milliseconds(10));
    bool waiter_saw_unavailable = false;
    asio::co_spawn(ex, [&]() -> awaitable<void> {
      try {
        (void)co_await limiter.acquire(std::chrono::seconds(30));
      } catch (const UnavailableError&) {
        waiter_saw_unavailable = true;
      }
    }, asio::detached);
    co_await asio::post(ex, use_awaitable);  // one turn of the loop: the waiter queues up
    limiter.close();
    EXPECT_THROW(co_await limiter.acquire(milliseconds(10)), UnavailableError);
    held.release();
    co_await limiter.drained();
    auto woken = [&] { return waiter_saw_unavailable; };
    EXPECT_TRUE(co_await testkit::eventually_async(woken, std::chrono::seconds(10)));
  }());
}

TEST(AsyncSemaphore, SlotsReleasedFromOtherThreads) {
  AsyncSemaphore limiter(4, errors());
  BlockingPool pool(4, "test");
  testkit::run_async([&]() -> awaitable<void> {
    for (int round = 0; round < 50; ++round) {
      auto slot = co_await limiter.acquire(std::chrono::seconds(30));
      // A named job: GCC 12 copies a capturing lambda temporary inside co_await bitwise.
      auto job = [s = std::move(slot)]() mutable { s.release(); };
      co_await pool.run(std::move(job));
    }
  }());
  EXPECT_EQ(limiter.in_use(), 0u);
}

TEST(AsyncSemaphore, ErrorsSayWhatWasAwaitedInTheOwnersWords) {
  AsyncSemaphore limiter(1, errors());
  testkit::run_async([&]() -> awaitable<void> {
    auto held = co_await limiter.acquire(milliseconds(10));
    try {
      (void)co_await limiter.acquire(milliseconds(10));
      ADD_FAILURE() << "the second acquire should have waited and failed";
    } catch (const PoolExhaustedError& e) {
      EXPECT_EQ(e.service(), "mongodb");
      EXPECT_EQ(e.message(), "waited 10 ms for a connection to h:1, all 1 are busy");
      EXPECT_EQ(e.hint(), "raise MONGODB_POOL_SIZE");
    }
    limiter.close();
    try {
      (void)co_await limiter.acquire(milliseconds(10));
      ADD_FAILURE() << "acquire after close() should fail";
    } catch (const UnavailableError& e) {
      EXPECT_EQ(e.message(), "the MongoDB client for h:1 is shut down");
      EXPECT_EQ(e.hint(), "the service is stopping");
    }
  }());
}

TEST(AsyncSemaphore, DrainedResolvesWhenTheLastPermitComesBackFromAnotherThread) {
  AsyncSemaphore limiter(2, errors());
  infra::BlockingPool pool(1, "test");
  testkit::run_async([&]() -> awaitable<void> {
    auto held = std::make_shared<AsyncSemaphore::Permit>(co_await limiter.acquire(milliseconds(10)));
    limiter.close();
    bool drained = false;
    auto ex = co_await asio::this_coro::executor;
    asio::co_spawn(ex, [&]() -> awaitable<void> {
      co_await limiter.drained();
      drained = true;
    }, asio::detached);
    co_await asio::post(ex, use_awaitable);  // the drain waits for the permit
    EXPECT_FALSE(drained);
    auto job = [held]() mutable { held->release(); };
    held.reset();
    co_await pool.run(std::move(job));
    auto done = [&] { return drained; };
    EXPECT_TRUE(co_await testkit::eventually_async(done, std::chrono::seconds(10)));
    EXPECT_EQ(limiter.in_use(), 0u);
  }());
}

}  // namespace
}  // namespace vibework::infra
