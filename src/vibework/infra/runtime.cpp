#include "vibework/infra/runtime.hpp"

#include "vibework/infra/process_limits.hpp"

namespace vibework::infra {

Runtime::Runtime(RuntimeOptions options)
    : blocking_(options.blocking_threads, "blocking") {
  std::size_t n = options.io_threads;
  if (n == 0) n = usable_cores();
  contexts_.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    // Concurrency hint 1: each context is driven by exactly one thread, so Asio skips locking.
    contexts_.push_back(std::make_unique<asio::io_context>(1));
  }
}

Runtime::~Runtime() {
  stop();
  join(std::chrono::milliseconds(0));
}

asio::io_context& Runtime::next_io_context() {
  return *contexts_[next_.fetch_add(1, std::memory_order_relaxed) % contexts_.size()];
}

void Runtime::start() {
  if (!threads_.empty()) return;
  for (auto& ctx : contexts_) {
    guards_.push_back(asio::make_work_guard(*ctx));
    ++running_;
    threads_.emplace_back([this, c = ctx.get()] {
      c->run();
      --running_;
    });
  }
}

void Runtime::join(std::chrono::milliseconds grace) {
  guards_.clear();
  const auto deadline = std::chrono::steady_clock::now() + grace;
  while (running_.load() > 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  if (running_.load() > 0) stop();
  for (auto& t : threads_) {
    if (t.joinable()) t.join();
  }
  threads_.clear();
  blocking_.join();
}

void Runtime::stop() {
  for (auto& ctx : contexts_) ctx->stop();
}

}  // namespace vibework::infra
