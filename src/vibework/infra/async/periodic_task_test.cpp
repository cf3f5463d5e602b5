// PeriodicTask: runs repeat, a failing run does not end the schedule, stop() waits for the run
// in progress and ends the schedule. Intervals are 1 ms; the tests wait for counts, not time.
#include "vibework/infra/async/periodic_task.hpp"

#include <atomic>
#include <stdexcept>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_future.hpp>
#include <gtest/gtest.h>

namespace {

using namespace std::chrono_literals;
using vibework::awaitable;
using vibework::infra::PeriodicTask;
namespace asio = boost::asio;

// Runs `ctx` until `done()` holds (bounded: a hang fails instead of blocking forever).
template <typename Done>
void run_until(asio::io_context& ctx, Done done) {
  for (int i = 0; i < 1'000'000 && !done(); ++i) ctx.run_one_for(100ms);
  ASSERT_TRUE(done());
}

// Stops the task and runs `ctx` until stop() has returned.
void stop_now(asio::io_context& ctx, PeriodicTask& task) {
  bool stopped = false;
  asio::co_spawn(ctx, task.stop(), [&](std::exception_ptr) { stopped = true; });
  run_until(ctx, [&] { return stopped; });
}

TEST(PeriodicTask, RunsAgainAndAgainAndSurvivesAFailingRun) {
  asio::io_context ctx;
  int calls = 0;
  PeriodicTask task(ctx.get_executor(), 1ms, "test task", [&]() -> awaitable<void> {
    if (++calls == 2) throw std::runtime_error("one bad run");
    co_return;
  });
  task.start();
  run_until(ctx, [&] { return task.runs() >= 4; });
  EXPECT_GE(calls, 4);
}

TEST(PeriodicTask, StopWaitsForTheRunInProgressAndEndsTheSchedule) {
  asio::io_context ctx;
  bool in_run = false;
  int finished_runs = 0;
  asio::steady_timer gate(ctx, asio::steady_timer::time_point::max());
  PeriodicTask task(ctx.get_executor(), 1ms, "test task", [&]() -> awaitable<void> {
    in_run = true;
    boost::system::error_code ec;
    co_await gate.async_wait(asio::redirect_error(vibework::use_awaitable, ec));  // held until the test opens it
    in_run = false;
    ++finished_runs;
  });
  task.start();
  run_until(ctx, [&] { return in_run; });
  bool stopped = false;
  asio::co_spawn(ctx, task.stop(), [&](std::exception_ptr) { stopped = true; });
  for (int i = 0; i < 10; ++i) ctx.poll();
  EXPECT_FALSE(stopped) << "a run in progress is waited for";
  gate.cancel();
  run_until(ctx, [&] { return stopped; });
  EXPECT_EQ(finished_runs, 1);
  const auto runs = task.runs();
  ctx.restart();
  ctx.run_for(20ms);  // an idle context: nothing more is scheduled (returns at once when so)
  EXPECT_EQ(task.runs(), runs) << "no run after stop()";
}

TEST(PeriodicTask, WakeRunsAtOnceInsteadOfAtTheInterval) {
  asio::io_context ctx;
  int calls = 0;
  PeriodicTask task(ctx.get_executor(), 1h, "test task", [&]() -> awaitable<void> {
    ++calls;
    co_return;
  });
  task.start();
  ctx.poll();
  EXPECT_EQ(calls, 0) << "the first run waits for the interval";
  task.wake();
  run_until(ctx, [&] { return task.runs() == 1; });
  task.wake();
  task.wake();  // several wakes before the run: one run
  run_until(ctx, [&] { return task.runs() == 2; });
  for (int i = 0; i < 10; ++i) ctx.poll();
  EXPECT_EQ(calls, 2);
  stop_now(ctx, task);
}

TEST(PeriodicTask, WakeDuringARunRunsOnceMoreRightAfter) {
  asio::io_context ctx;
  int calls = 0;
  PeriodicTask* self = nullptr;
  PeriodicTask task(ctx.get_executor(), 1h, "test task", [&]() -> awaitable<void> {
    if (++calls == 1) self->wake();  // e.g. a full batch: more work is waiting
    co_return;
  });
  self = &task;
  task.start();
  task.wake();
  run_until(ctx, [&] { return task.runs() == 2; });
  for (int i = 0; i < 10; ++i) ctx.poll();
  EXPECT_EQ(calls, 2);
  stop_now(ctx, task);
}

TEST(PeriodicTask, StopBeforeStartIsFine) {
  asio::io_context ctx;
  PeriodicTask task(ctx.get_executor(), 1h, "test task", []() -> awaitable<void> { co_return; });
  stop_now(ctx, task);
}

}  // namespace
