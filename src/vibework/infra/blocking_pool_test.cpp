#include "vibework/infra/blocking_pool.hpp"

#include <thread>

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
