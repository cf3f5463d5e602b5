#pragma once
// DeadlineSweep: many deadlines on one io_context, enforced by one timer.
//
// A deadline is an Entry that lives inside the object it bounds (a MySQL wait, an HTTP
// connection, a Redis connection) and carries its own action, on_deadline(). Scheduling one is
// a list insertion and a comparison: no allocation, and no timer operation unless the new
// deadline is earlier than the one the timer is armed for. The timer is armed only while
// something is scheduled, so an io_context with nothing else to do still runs out of work.
//
//   struct Wait final : infra::DeadlineSweep::Entry {
//     void on_deadline() override { socket.cancel(); }   // runs on the io_context's thread
//   };
//   auto& sweep = infra::DeadlineSweep::of(executor);      // one per io_context
//   sweep.schedule(wait, deadline);                        // again to move it; RAII cancels
//
// Resolution: an Entry made with a `slack` may fire up to that much after its deadline, and
// the sweep uses the slack to coalesce wake-ups: one wake-up fires every entry that is due by
// then. An entry whose deadline moves on every request (an HTTP connection) takes a coarse
// slack, so N connections cost about one wake-up per slack window, not one per deadline; an
// entry that must fire on time (a MySQL query) takes none.
//
// Which tool bounds what:
//  - DeadlineSweep: deadlines on waits you own and can end from outside (cancel a socket wait,
//    close a connection), set on a hot path: per query, per request, per command.
//  - with_timeout (timeout.hpp): any awaitable, including ones you did not write: the caller
//    stops waiting at the deadline and the operation is sent a cancellation. It costs a
//    coroutine, a shared state and a timer per call: use it for connects, health checks,
//    start-up and shutdown steps, not per request.
//
// Threads: each io_context has one sweep (of() may be called from any thread). schedule(),
// cancel() and every on_deadline() run on the one thread that runs that io_context, as with
// Runtime's io_contexts; nothing here locks. When the io_context is destroyed, entries still
// scheduled are detached and never fire.
#include <chrono>
#include <mutex>
#include <optional>

#include <boost/asio/execution_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "vibework/infra/asio.hpp"

namespace vibework::infra {

class DeadlineSweep final : public asio::execution_context::service {
 public:
  using Clock = std::chrono::steady_clock;
  class Entry;

  // The sweep of ex's io_context, created on first use.
  static DeadlineSweep& of(const asio::any_io_executor& ex);

  // Sets e's deadline, scheduling e if it is not (also from inside an on_deadline()). A
  // deadline that has passed fires on the next turn of the event loop, never inline.
  // Clock::time_point::max() means no deadline for now while e stays scheduled: for an entry
  // whose deadline is set and cleared on every request, cheaper than cancel() + schedule().
  void schedule(Entry& e, Clock::time_point deadline);
  // e will not fire (unless scheduled again). No-op when e is not scheduled.
  void cancel(Entry& e) noexcept;
  // When the timer wakes next, if it is armed (for tests and diagnostics).
  std::optional<Clock::time_point> armed_for() const noexcept {
    return armed_ ? std::optional(armed_at_) : std::nullopt;
  }

  // The Asio service interface (use of(), not these).
  using key_type = DeadlineSweep;
  static inline asio::execution_context::id id;
  explicit DeadlineSweep(asio::execution_context& context);
  ~DeadlineSweep() override;

 private:
  void shutdown() override;
  void arm(Clock::time_point at);
  void sweep();
  void rearm();
  void link(Entry*& head, Entry& e) noexcept;
  void unlink(Entry& e) noexcept;
  static Clock::time_point latest(const Entry& e) noexcept;

  std::mutex setup_;  // of() and shutdown() only: they may run on other threads
  std::optional<asio::steady_timer> timer_;  // empty before of() and after shutdown
  bool stopped_ = false;
  Entry* scheduled_ = nullptr;  // intrusive list, unordered
  Entry* firing_ = nullptr;     // due entries of the sweep in progress, not yet called
  bool sweeping_ = false;
  bool armed_ = false;
  Clock::time_point armed_at_{};
  unsigned generation_ = 0;  // of the armed wait: a superseded wait that completed is ignored
};

class DeadlineSweep::Entry {
 public:
  // `slack`: how late this entry may fire (coalesces wake-ups; zero = at the deadline).
  explicit Entry(Clock::duration slack = Clock::duration::zero()) noexcept : slack_(slack) {}
  Entry(const Entry&) = delete;
  Entry& operator=(const Entry&) = delete;

  bool scheduled() const noexcept { return sweep_ != nullptr; }
  // The last deadline given to schedule() (max() before the first).
  Clock::time_point deadline() const noexcept { return due_; }

 protected:
  ~Entry() {
    if (sweep_) sweep_->cancel(*this);
  }

 private:
  friend class DeadlineSweep;
  // Runs once the deadline has passed, on the io_context's thread, after the entry was
  // unscheduled (schedule it again from here to keep it). Should not throw: an exception
  // leaves io_context::run().
  virtual void on_deadline() = 0;

  DeadlineSweep* sweep_ = nullptr;  // while scheduled or about to fire
  Entry* prev_ = nullptr;
  Entry* next_ = nullptr;
  Clock::time_point due_ = Clock::time_point::max();
  Clock::duration slack_;
  bool firing_ = false;  // in firing_, not scheduled_
};

}  // namespace vibework::infra
