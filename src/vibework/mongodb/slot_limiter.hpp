#pragma once
// SlotLimiter: at most N driver operations in flight, awaited without blocking a thread.
//
// Every blocking call holds a slot from here before it is handed to the BlockingPool, and N is
// the mongoc pool's maxPoolSize. So a worker thread never waits inside mongoc_client_pool_pop()
// (a client is always free for a slot holder), and the BlockingPool, shared with the other
// parts, cannot be filled by MongoDB calls waiting for a connection: waiting happens here, on
// the caller's executor, bounded by the acquire timeout.
//
// Thread-safe: waiters may sit on different I/O threads; a released slot is handed to the
// oldest waiter by posting to that waiter's executor.
#include <chrono>
#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>
#include <string>

#include "vibework/infra/asio.hpp"

namespace vibework::mongodb {

class SlotLimiter {
 public:
  explicit SlotLimiter(std::size_t slots);
  SlotLimiter(const SlotLimiter&) = delete;
  SlotLimiter& operator=(const SlotLimiter&) = delete;

  // Returned by acquire(); gives the slot back when destroyed (on any thread).
  class Slot {
   public:
    Slot() = default;
    explicit Slot(SlotLimiter* owner) : owner_(owner) {}
    Slot(Slot&& other) noexcept : owner_(std::exchange(other.owner_, nullptr)) {}
    Slot& operator=(Slot&& other) noexcept;
    ~Slot() { release(); }
    void release() noexcept;

   private:
    SlotLimiter* owner_ = nullptr;
  };

  // Waits up to `timeout` for a slot. Throws PoolExhaustedError when none frees up in time,
  // UnavailableError once close() was called. `address` goes into the messages.
  awaitable<Slot> acquire(std::chrono::milliseconds timeout, const std::string& address);

  // Refuses new acquires from now on (waiters get UnavailableError).
  void close();
  // Resolves once every slot is back. Call after close().
  awaitable<void> drained();

  std::size_t capacity() const noexcept { return slots_; }
  std::size_t in_use() const;

 private:
  struct Waiter;
  void give_back() noexcept;

  const std::size_t slots_;
  mutable std::mutex mutex_;
  std::size_t in_use_ = 0;
  bool closed_ = false;
  std::deque<std::shared_ptr<Waiter>> waiters_;
};

}  // namespace vibework::mongodb
