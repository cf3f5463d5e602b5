#pragma once
// BlockingPool: a fixed set of threads for driver calls that block (MariaDB Connector/C,
// mongo-c-driver) and CPU-heavy work (Argon2), so I/O threads never block.
//
//   auto rows = co_await pool.run([conn] { return conn->query(...); });
//
// The coroutine resumes on its own executor with the result, or the exception the function
// threw. A started job always runs to completion (blocking calls cannot be interrupted), so
// the function must own, or share ownership of, whatever it touches; bound its duration with
// the driver's own timeouts.
#include <cstddef>
#include <string>
#include <type_traits>
#include <utility>

#include <boost/asio/thread_pool.hpp>

#include "vibework/infra/asio.hpp"
#include "vibework/infra/async/run_on.hpp"

namespace vibework::infra {

// `background`: the pool's threads run at the lowest CPU priority (nice 19, SCHED_BATCH), so
// CPU-heavy work (password hashing) takes only what the I/O threads leave and a flood of it
// does not add latency to every other request.
enum class ThreadPriority { normal, background };

namespace detail {
void lower_this_thread_priority_once();  // nice 19 + SCHED_BATCH, the first time on each thread
}

class BlockingPool {
 public:
  BlockingPool(std::size_t threads, std::string name, ThreadPriority priority = ThreadPriority::normal);
  ~BlockingPool();
  BlockingPool(const BlockingPool&) = delete;
  BlockingPool& operator=(const BlockingPool&) = delete;

  std::size_t size() const noexcept { return threads_; }
  const std::string& name() const noexcept { return name_; }

  // Waits for queued jobs to finish and joins the threads. Idempotent.
  void join();

  // The function runs on one of the pool's threads; see the top of this file.
  template <typename F>
  auto run(F function) -> awaitable<std::invoke_result_t<F&>> {
    if (priority_ == ThreadPriority::normal) return run_on(pool_.get_executor(), std::move(function));
    return run_on(pool_.get_executor(), [f = std::move(function)]() mutable {
      detail::lower_this_thread_priority_once();
      return f();
    });
  }

 private:
  std::size_t threads_;
  std::string name_;
  ThreadPriority priority_;
  asio::thread_pool pool_;
  bool joined_ = false;
};

}  // namespace vibework::infra
