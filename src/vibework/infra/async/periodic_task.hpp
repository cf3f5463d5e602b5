#pragma once
// PeriodicTask: one piece of background work run every `interval` on an executor, from start()
// until stop() (which waits for a run in progress). A failed run is logged and the next one
// comes at its time; a run never overlaps the next. wake() brings the next run forward.
//
//   infra::PeriodicTask sweep(executor, 1h, "auth: expired-session sweep",
//                             [&]() -> awaitable<void> { co_await sessions.delete_expired(); });
//   sweep.start();
//   ...
//   co_await sweep.stop();   // in the component's stop()
#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "vibework/infra/asio.hpp"

namespace vibework::infra {

class PeriodicTask {
 public:
  using Work = std::function<awaitable<void>()>;

  PeriodicTask(asio::any_io_executor executor, std::chrono::milliseconds interval, std::string what, Work work);
  ~PeriodicTask();
  PeriodicTask(const PeriodicTask&) = delete;
  PeriodicTask& operator=(const PeriodicTask&) = delete;

  void start();
  // Runs the work now instead of at the end of the current wait; during a run, right after it
  // (one more run, however many wakes came). Thread-safe; a no-op once stopped.
  void wake();
  // Ends the schedule and waits for a run in progress. Idempotent; never throws.
  awaitable<void> stop();

  std::uint64_t runs() const noexcept;  // runs completed (successful or not), for tests

  struct State;  // shared with the running loop (defined in the .cpp)

 private:
  std::shared_ptr<State> state_;
};

}  // namespace vibework::infra
