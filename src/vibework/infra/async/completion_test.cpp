// The hand-off (completion.hpp) and run_on: where the coroutine resumes, with what, and that
// the producer's thread never runs the coroutine. Threads meet through latches and futures.
#include "vibework/infra/async/completion.hpp"

#include <latch>
#include <stdexcept>
#include <string>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_future.hpp>
#include <gtest/gtest.h>

#include "vibework/infra/async/run_on.hpp"
#include "vibework/testkit/async.hpp"

namespace {

using namespace vibework;

TEST(Completion, ResumesOnTheAwaitersThreadWithTheValueFromAnotherThread) {
  asio::thread_pool other(1);
  auto task = [&]() -> awaitable<void> {
    const auto me = std::this_thread::get_id();
    std::thread::id producer;
    auto start = [&](std::unique_ptr<infra::Completion<std::string>> done) {
      asio::post(other, [&, d = std::move(done)] {
        producer = std::this_thread::get_id();
        d->complete(nullptr, "reply");
      });
    };
    const std::string got = co_await infra::suspend_into<std::string>(std::move(start));
    EXPECT_EQ(got, "reply");
    EXPECT_EQ(std::this_thread::get_id(), me);
    EXPECT_NE(producer, me);
  };
  testkit::run_async(task());
}

TEST(Completion, RethrowsTheProducersException) {
  auto task = [&]() -> awaitable<void> {
    auto start = [](std::unique_ptr<infra::Completion<int>> done) {
      done->complete(std::make_exception_ptr(std::runtime_error("refused")), 0);
    };
    co_await infra::suspend_into<int>(std::move(start));
  };
  EXPECT_THROW(testkit::run_async(task()), std::runtime_error);
}

TEST(Completion, CompletingInlineStillResumesLaterNotInsideTheProducer) {
  auto task = [&]() -> awaitable<void> {
    bool producer_returned = false;
    bool resumed_after_producer = false;
    auto start = [&](auto handoff) {
      std::move(handoff).resume(nullptr);
      producer_returned = true;  // the coroutine has not run yet: it is posted, not called
    };
    co_await infra::suspend_with<>(std::move(start));
    resumed_after_producer = producer_returned;
    EXPECT_TRUE(resumed_after_producer);
  };
  testkit::run_async(task());
}

TEST(Completion, AHandoffKeepsTheAwaitersIoContextBusy) {
  // The io_context has nothing else to do while the producer (a plain thread) works: without
  // the work guard run() would return before the reply arrives.
  asio::io_context io(1);
  std::latch handed_over(1);
  std::thread producer;
  int got = 0;
  auto task = [&]() -> awaitable<void> {
    auto start = [&](auto handoff) {
      producer = std::thread([&, h = std::move(handoff)]() mutable {
        handed_over.wait();
        std::move(h).resume(nullptr, 42);
      });
    };
    got = co_await infra::suspend_with<int>(std::move(start));
  };
  asio::co_spawn(io, task(), asio::detached);
  io.poll();  // runs until the coroutine is suspended
  handed_over.count_down();
  io.run();  // returns only once the coroutine finished
  producer.join();
  EXPECT_EQ(got, 42);
}

TEST(RunOn, RunsACallOnTheOtherExecutorAndResumesOnTheCaller) {
  asio::thread_pool other(1);
  auto task = [&]() -> awaitable<void> {
    const auto me = std::this_thread::get_id();
    auto where = [] { return std::this_thread::get_id(); };
    const auto ran_on = co_await infra::run_on(other.get_executor(), std::move(where));
    EXPECT_NE(ran_on, me);
    EXPECT_EQ(std::this_thread::get_id(), me);
    auto fail = [] { throw std::logic_error("driver failed"); };
    EXPECT_THROW(co_await infra::run_on(other.get_executor(), std::move(fail)), std::logic_error);
  };
  testkit::run_async(task());
}

TEST(RunOn, RunsACoroutineOnAStrandOfAnotherThread) {
  asio::io_context owner(1);
  auto guard = asio::make_work_guard(owner);
  std::thread owner_thread([&] { owner.run(); });
  auto strand = asio::make_strand(owner.get_executor());
  auto task = [&]() -> awaitable<void> {
    const auto me = std::this_thread::get_id();
    auto inside = [&]() -> awaitable<bool> { co_return strand.running_in_this_thread(); };
    EXPECT_TRUE(co_await infra::run_on(strand, std::move(inside)));
    EXPECT_EQ(std::this_thread::get_id(), me);
    auto fail = []() -> awaitable<void> {
      throw std::runtime_error("closed");
      co_return;
    };
    EXPECT_THROW(co_await infra::run_on(strand, std::move(fail)), std::runtime_error);
  };
  testkit::run_async(task());
  guard.reset();
  owner_thread.join();
}

TEST(RunOn, RunsRightHereWhenAlreadyOnTheExecutor) {
  asio::io_context io(1);
  bool loop_turned = false;  // outlives the task: the posted write runs after it has finished
  auto task = [&]() -> awaitable<void> {
    auto ex = io.get_executor();
    asio::post(ex, [&] { loop_turned = true; });  // runs first if run_on posts
    auto before_the_turn = [&] { return !loop_turned; };
    EXPECT_TRUE(co_await infra::run_on(ex, std::move(before_the_turn)));
    auto still_before = [&]() -> awaitable<bool> { co_return !loop_turned; };
    EXPECT_TRUE(co_await infra::run_on(ex, std::move(still_before)));
  };
  auto done = asio::co_spawn(io, task(), asio::use_future);
  io.run();
  done.get();
}

}  // namespace
