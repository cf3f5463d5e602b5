#pragma once
// AsyncSemaphore: at most N holders at a time; the others wait on their own coroutine, in
// arrival order, bounded by a timeout, without blocking a thread.
//
//   infra::AsyncSemaphore slots(10, {.service = "mongodb", .waited_for = "a connection to db:27017", ...});
//   auto permit = co_await slots.acquire(5000ms);   // PoolExhaustedError after 5 s
//   co_await blocking.run([p = std::move(permit)] { ...; });   // released when p goes, on any thread
//
// A released permit passes straight to the oldest waiter (nobody can overtake the queue), which
// resumes on its own executor. close() refuses new acquires and wakes every waiter with
// UnavailableError; drained() then waits for the permits still held. Thread-safe.
#include <chrono>
#include <cstddef>
#include <mutex>
#include <string>
#include <utility>
#include <variant>

#include "vibework/infra/asio.hpp"
#include "vibework/infra/async/waiter_queue.hpp"

namespace vibework::infra {

// What acquire() throws, in the owner's words.
struct SemaphoreErrors {
  std::string service;     // "mongodb"
  std::string waited_for;  // "a connection to db:27017": "waited 10 ms for <this>, all 2 are busy"
  std::string exhausted_hint;
  std::string closed_message;  // the UnavailableError after close()
  std::string closed_hint;
};

class AsyncSemaphore {
 public:
  AsyncSemaphore(std::size_t permits, SemaphoreErrors errors);
  AsyncSemaphore(const AsyncSemaphore&) = delete;
  AsyncSemaphore& operator=(const AsyncSemaphore&) = delete;

  // Held while working; gives the permit back when destroyed or released (on any thread).
  class Permit {
   public:
    Permit() = default;
    Permit(Permit&& other) noexcept : owner_(std::exchange(other.owner_, nullptr)) {}
    Permit& operator=(Permit&& other) noexcept;
    ~Permit() { release(); }
    void release() noexcept;
    explicit operator bool() const noexcept { return owner_ != nullptr; }

   private:
    friend class AsyncSemaphore;
    explicit Permit(AsyncSemaphore* owner) : owner_(owner) {}
    AsyncSemaphore* owner_ = nullptr;
  };

  // Waits up to `timeout` for a permit. Throws PoolExhaustedError when none came free in time,
  // UnavailableError after close(), system_error(operation_aborted) when the caller is
  // cancelled while waiting.
  awaitable<Permit> acquire(std::chrono::milliseconds timeout);

  // Refuses new acquires from now on; waiters get UnavailableError.
  void close();
  // Resolves once every permit is back. Call after close().
  awaitable<void> drained();

  std::size_t capacity() const noexcept { return permits_; }
  std::size_t in_use() const;
  std::size_t waiting() const;  // acquires queued for a permit

 private:
  void give_back() noexcept;
  [[noreturn]] void throw_closed() const;

  const std::size_t permits_;
  const SemaphoreErrors errors_;
  mutable std::mutex mutex_;
  std::size_t in_use_ = 0;
  bool closed_ = false;
  WaiterQueue<> waiters_{mutex_};
  WaiterQueue<> drain_waiters_{mutex_};  // drained() callers, woken when in_use_ reaches 0
};

}  // namespace vibework::infra
