#include "vibework/infra/blocking_pool.hpp"

#include <thread>

#include <sys/resource.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "vibework/testkit/async.hpp"

using namespace vibework;

TEST(BlockingPool, RunsOffTheCallingThreadAndResumesOnIt) {
  infra::BlockingPool pool(2, "test");
  auto task = [&]() -> awaitable<bool> {
    const auto caller = std::this_thread::get_id();
    auto worker = co_await pool.run([] { return std::this_thread::get_id(); });
    co_return worker != caller && std::this_thread::get_id() == caller;
  };
  EXPECT_TRUE(testkit::run_async(task()));
}

TEST(BlockingPool, PropagatesExceptions) {
  infra::BlockingPool pool(1, "test");
  auto task = [&]() -> awaitable<void> { co_await pool.run([] { throw std::logic_error("driver failed"); }); };
  EXPECT_THROW(testkit::run_async(task()), std::logic_error);
}

TEST(BlockingPool, ReturnsMoveOnlyValues) {
  infra::BlockingPool pool(1, "test");
  auto task = [&]() -> awaitable<int> {
    auto p = co_await pool.run([] { return std::make_unique<int>(7); });
    co_return *p;
  };
  EXPECT_EQ(testkit::run_async(task()), 7);
}

TEST(BlockingPool, BackgroundThreadsRunAtTheLowestPriority) {
  vibework::infra::BlockingPool background(1, "test-background", vibework::infra::ThreadPriority::background);
  vibework::infra::BlockingPool normal(1, "test-normal");
  const auto nice_of_this_thread = [] { return getpriority(PRIO_PROCESS, static_cast<id_t>(gettid())); };
  EXPECT_EQ(vibework::testkit::run_async(background.run(nice_of_this_thread)), 19);
  EXPECT_EQ(vibework::testkit::run_async(normal.run(nice_of_this_thread)),
            getpriority(PRIO_PROCESS, static_cast<id_t>(gettid())))
      << "a normal pool's threads keep the process's priority";
}
