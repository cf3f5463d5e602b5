// WaiterQueue: order of grants, deadlines, close, cancellation, and where waiters resume. No
// timing assertions: deadlines are in the past (they end the wait at once) or far away; other
// threads are met through latches and futures.
#include "vibework/infra/async/waiter_queue.hpp"

#include <future>
#include <latch>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <gtest/gtest.h>

#include "vibework/testkit/async.hpp"

namespace {

using namespace vibework;
using infra::Woken;
using Queue = infra::WaiterQueue<int, std::string>;
using Clock = Queue::Clock;

constexpr auto never = Clock::time_point::max();

// Queues under the lock (as an owner does), then waits.
awaitable<Queue::Outcome> queue_and_wait(std::mutex& mutex, Queue& queue, Clock::time_point deadline,
                                         std::string need = {}) {
  auto ex = co_await asio::this_coro::executor;
  Queue::Ticket ticket;
  {
    std::lock_guard lock(mutex);
    ticket = queue.push(ex, deadline, std::move(need));
  }
  co_return co_await queue.wait(std::move(ticket));
}

TEST(WaiterQueue, GrantsInArrivalOrderAndShowsWhatTheFrontNeeds) {
  std::mutex mutex;
  Queue queue(mutex);
  std::vector<std::pair<std::string, int>> got;
  testkit::run_async([&]() -> awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    for (std::string name : {"a", "b", "c"}) {
      asio::co_spawn(ex, [&, name]() -> awaitable<void> {
        auto outcome = co_await queue_and_wait(mutex, queue, never, name);
        EXPECT_EQ(outcome.how, Woken::granted);
        got.emplace_back(name, outcome.grant.value_or(-1));
      }, asio::detached);
    }
    co_await asio::post(ex, use_awaitable);  // one turn of the loop: the three queue up, in order
    {
      std::lock_guard lock(mutex);
      EXPECT_EQ(queue.size(), 3u);
      EXPECT_EQ(queue.front_need(), "a");
      for (int grant = 1; !queue.empty(); ++grant) queue.grant_front(grant);
    }
    auto all = [&] { return got.size() == 3; };
    EXPECT_TRUE(co_await testkit::eventually_async(all, std::chrono::seconds(10)));
  }());
  EXPECT_EQ(got, (std::vector<std::pair<std::string, int>>{{"a", 1}, {"b", 2}, {"c", 3}}));
}

TEST(WaiterQueue, APassedDeadlineEndsTheWaitAndLeavesTheQueue) {
  std::mutex mutex;
  Queue queue(mutex);
  testkit::run_async([&]() -> awaitable<void> {
    auto outcome = co_await queue_and_wait(mutex, queue, Clock::now() - std::chrono::milliseconds(1));
    EXPECT_EQ(outcome.how, Woken::timed_out);
    EXPECT_FALSE(outcome.grant.has_value());
    std::lock_guard lock(mutex);
    EXPECT_TRUE(queue.empty());
  }());
}

TEST(WaiterQueue, AGrantBeforeTheWaitStartsIsNotLost) {
  std::mutex mutex;
  Queue queue(mutex);
  testkit::run_async([&]() -> awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    Queue::Ticket ticket;
    {
      std::lock_guard lock(mutex);
      ticket = queue.push(ex, never);
      queue.grant_front(7);  // granted between push() and wait()
    }
    auto outcome = co_await queue.wait(std::move(ticket));
    EXPECT_EQ(outcome.how, Woken::granted);
    EXPECT_EQ(outcome.grant, 7);
  }());
}

TEST(WaiterQueue, CloseWakesEveryWaiter) {
  std::mutex mutex;
  Queue queue(mutex);
  int closed = 0;
  testkit::run_async([&]() -> awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    for (int i = 0; i < 2; ++i) {
      asio::co_spawn(ex, [&]() -> awaitable<void> {
        if ((co_await queue_and_wait(mutex, queue, never)).how == Woken::closed) ++closed;
      }, asio::detached);
    }
    co_await asio::post(ex, use_awaitable);
    {
      std::lock_guard lock(mutex);
      queue.close();
      EXPECT_TRUE(queue.empty());
    }
    auto both = [&] { return closed == 2; };
    EXPECT_TRUE(co_await testkit::eventually_async(both, std::chrono::seconds(10)));
  }());
}

TEST(WaiterQueue, ACancelledWaitThrowsAbortedAndLeavesTheQueue) {
  std::mutex mutex;
  Queue queue(mutex);
  asio::io_context io(1);
  asio::cancellation_signal cancel;
  std::promise<std::exception_ptr> ended;
  asio::co_spawn(io, queue_and_wait(mutex, queue, never),
                 asio::bind_cancellation_slot(cancel.slot(), [&](std::exception_ptr e, Queue::Outcome) {
                   ended.set_value(e);
                 }));
  io.poll();  // the waiter is queued and suspended
  {
    std::lock_guard lock(mutex);
    EXPECT_EQ(queue.size(), 1u);
  }
  cancel.emit(asio::cancellation_type::terminal);
  io.run();
  auto error = ended.get_future().get();
  ASSERT_TRUE(error);
  try {
    std::rethrow_exception(error);
  } catch (const boost::system::system_error& e) {
    EXPECT_EQ(e.code(), asio::error::operation_aborted);
  }
  std::lock_guard lock(mutex);
  EXPECT_TRUE(queue.empty());
}

TEST(WaiterQueue, WaitersResumeOnTheirOwnThreadWhenGrantedFromAnother) {
  std::mutex mutex;
  Queue queue(mutex);
  asio::io_context io(1);
  std::latch queued(1);
  std::thread::id resumed_on;
  int grant = 0;
  asio::co_spawn(io, [&]() -> awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    Queue::Ticket ticket;
    {
      std::lock_guard lock(mutex);
      ticket = queue.push(ex, never);
    }
    queued.count_down();
    auto outcome = co_await queue.wait(std::move(ticket));
    resumed_on = std::this_thread::get_id();
    grant = outcome.grant.value_or(-1);
  }, asio::detached);
  std::thread granter([&] {
    queued.wait();
    std::lock_guard lock(mutex);
    queue.grant_front(42);
  });
  io.run();  // the queued waiter keeps it running until the grant has resumed it
  granter.join();
  EXPECT_EQ(resumed_on, std::this_thread::get_id());
  EXPECT_EQ(grant, 42);
}

}  // namespace
