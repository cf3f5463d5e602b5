// gather: every task runs, concurrently, and the caller resumes after the last; a throwing task
// does not stop the others and its exception reaches the caller.
#include "vibework/infra/async/gather.hpp"

#include <stdexcept>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <gtest/gtest.h>

namespace {

using namespace std::chrono_literals;
using vibework::awaitable;
using vibework::use_awaitable;
namespace asio = boost::asio;

TEST(Gather, RunsTheTasksConcurrentlyAndResumesAfterTheLast) {
  asio::io_context ctx;
  std::vector<int> order;
  bool done = false;
  auto body = [&]() -> awaitable<void> {
    // Task 0 waits on a timer that task 1 cancels: only concurrent tasks can finish.
    asio::steady_timer gate(ctx, std::chrono::steady_clock::time_point::max());
    auto task = [&](std::size_t i) -> awaitable<void> {
      if (i == 0) {
        boost::system::error_code ec;
        co_await gate.async_wait(asio::redirect_error(use_awaitable, ec));
      } else {
        gate.cancel();
      }
      order.push_back(static_cast<int>(i));
    };
    co_await vibework::infra::gather(2, std::move(task));
    done = true;
  };
  asio::co_spawn(ctx, body(), asio::detached);
  ctx.run_for(5s);
  EXPECT_TRUE(done);
  EXPECT_EQ(order, (std::vector<int>{1, 0}));
}

TEST(Gather, AThrowingTaskDoesNotStopTheOthersAndItsErrorReachesTheCaller) {
  asio::io_context ctx;
  int finished = 0;
  std::string caught;
  auto body = [&]() -> awaitable<void> {
    auto task = [&](std::size_t i) -> awaitable<void> {
      if (i == 1) throw std::runtime_error("task 1 failed");
      ++finished;
      co_return;
    };
    try {
      co_await vibework::infra::gather(3, std::move(task));
    } catch (const std::exception& e) {
      caught = e.what();
    }
  };
  asio::co_spawn(ctx, body(), asio::detached);
  ctx.run_for(5s);
  EXPECT_EQ(finished, 2);
  EXPECT_EQ(caught, "task 1 failed");
}

TEST(Gather, NoTasksReturnsAtOnce) {
  asio::io_context ctx;
  bool done = false;
  auto body = [&]() -> awaitable<void> {
    auto never = [](std::size_t) -> awaitable<void> { co_return; };
    co_await vibework::infra::gather(0, std::move(never));
    done = true;
  };
  asio::co_spawn(ctx, body(), asio::detached);
  ctx.run_for(1s);
  EXPECT_TRUE(done);
}

}  // namespace
