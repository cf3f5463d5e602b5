#include "vibework/infra/async/periodic_task.hpp"

#include <atomic>

#include <spdlog/spdlog.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>

namespace vibework::infra {

// Shared with the loop, so a loop still unwinding never touches a destroyed task.
struct PeriodicTask::State {
  State(asio::any_io_executor ex, std::chrono::milliseconds every, std::string name, Work job)
      : executor(ex), interval(every), what(std::move(name)), work(std::move(job)), timer(ex), finished(ex) {
    finished.expires_at(asio::steady_timer::time_point::max());
  }
  asio::any_io_executor executor;
  std::chrono::milliseconds interval;
  std::string what;
  Work work;
  asio::steady_timer timer;     // the wait between runs
  asio::steady_timer finished;  // cancelled when the loop has ended: stop() waits on it
  bool started = false, stopping = false, ended = false;  // touched on `executor` only
  bool woken = false;  // wake() came while no wait was pending: skip the next one
  std::atomic<std::uint64_t> runs{0};
};

namespace {
awaitable<void> run_loop(std::shared_ptr<PeriodicTask::State> s) {
  while (!s->stopping) {
    if (!s->woken) {
      boost::system::error_code ec;
      s->timer.expires_after(s->interval);
      co_await s->timer.async_wait(asio::redirect_error(use_awaitable, ec));
      if (s->stopping) break;
    }
    s->woken = false;
    try {
      co_await s->work();
    } catch (const std::exception& e) {
      spdlog::warn("{} failed: {} (next run in {} s)", s->what, e.what(),
                   std::chrono::duration_cast<std::chrono::seconds>(s->interval).count());
    }
    ++s->runs;
  }
  s->ended = true;
  s->finished.cancel();
}
}  // namespace

PeriodicTask::PeriodicTask(asio::any_io_executor executor, std::chrono::milliseconds interval, std::string what,
                           Work work)
    : state_(std::make_shared<State>(executor, interval, std::move(what), std::move(work))) {}

PeriodicTask::~PeriodicTask() {
  // Not stopped: end the schedule; the loop holds the state until it unwinds.
  asio::post(state_->executor, [s = state_] {
    s->stopping = true;
    s->timer.cancel();
  });
}

void PeriodicTask::start() {
  asio::post(state_->executor, [s = state_] {
    if (s->started || s->stopping) return;
    s->started = true;
    asio::co_spawn(s->executor, run_loop(s), asio::detached);
  });
}

void PeriodicTask::wake() {
  asio::post(state_->executor, [s = state_] {
    if (s->stopping) return;
    s->woken = true;
    s->timer.cancel();  // ends a pending wait; otherwise the flag skips the next one
  });
}

namespace {
// Runs on the loop's executor, where the state lives.
awaitable<void> stop_loop(std::shared_ptr<PeriodicTask::State> s) {
  s->stopping = true;
  s->timer.cancel();
  if (!s->started || s->ended) co_return;
  boost::system::error_code ec;
  co_await s->finished.async_wait(asio::redirect_error(use_awaitable, ec));
}
}  // namespace

awaitable<void> PeriodicTask::stop() {
  co_await asio::co_spawn(state_->executor, stop_loop(state_), use_awaitable);
}

std::uint64_t PeriodicTask::runs() const noexcept { return state_->runs.load(); }

}  // namespace vibework::infra
