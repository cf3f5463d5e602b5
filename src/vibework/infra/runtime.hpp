#pragma once
// Runtime: the threads vibework runs on.
//  - I/O threads: one io_context per thread (no locks or strands inside a context; a
//    coroutine stays on the context it was spawned on).
//  - a BlockingPool for driver calls that block and for CPU-heavy work.
// Owned by the process (main); everything else borrows it.
#include <atomic>
#include <chrono>
#include <cstddef>
#include <memory>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include "vibework/infra/asio.hpp"
#include "vibework/infra/blocking_pool.hpp"

namespace vibework::infra {

struct RuntimeOptions {
  std::size_t io_threads = 0;        // 0 = one per core
  std::size_t blocking_threads = 16; // driver calls in flight at once across the process
};

class Runtime {
 public:
  explicit Runtime(RuntimeOptions options = {});
  ~Runtime();  // stops and joins
  Runtime(const Runtime&) = delete;
  Runtime& operator=(const Runtime&) = delete;

  std::size_t io_thread_count() const noexcept { return contexts_.size(); }
  asio::io_context& io_context(std::size_t index) { return *contexts_.at(index); }
  // Round-robin over the I/O contexts, to spread connections and background tasks.
  asio::io_context& next_io_context();
  BlockingPool& blocking() noexcept { return blocking_; }

  // Starts the I/O threads (idempotent). Work guards keep them alive until stop().
  void start();
  // Releases the work guards and lets the I/O threads run out of work for up to `grace`; what
  // is still pending then (a timer nobody cancelled, an abandoned operation) is stopped. Then
  // joins the I/O threads and the blocking pool.
  void join(std::chrono::milliseconds grace = std::chrono::seconds(2));
  // Hard stop: abandons pending work. Only for tests and forced exits.
  void stop();

 private:
  std::vector<std::unique_ptr<asio::io_context>> contexts_;
  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> guards_;
  std::vector<std::thread> threads_;
  std::atomic<std::size_t> next_{0};
  std::atomic<std::size_t> running_{0};
  BlockingPool blocking_;
};

}  // namespace vibework::infra
