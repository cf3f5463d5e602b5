#pragma once
// The trace the current thread is working for, so every log line of a request (or a Pub/Sub
// message) carries its trace id, wherever and whenever its coroutines resume.
//
// A thread_local set once at the start of a request would be wrong: coroutines of many
// requests interleave on one I/O thread and resume on others. So the trace travels with the
// executor instead: a coroutine spawned on traced(ex, cell) runs every resumption through
// TracedExecutor::execute, which installs the cell for exactly that run and restores what was
// there before. Everything the coroutine starts on its executor inherits it: awaited driver
// calls (their hand-off posts back to it), co_spawn'ed children, run_on hops, blocking-pool jobs.
//
//   auto ex = infra::traced(io.get_executor(), infra::trace_from_header(header));
//   co_await asio::co_spawn(ex, handle(message), use_awaitable);   // spdlog lines get trace=...
//
// The cell may change: the HTTP server spawns each connection once on a traced executor and
// sets the cell to each request's trace in turn (no allocation or spawn per request). Work
// that may outlive the caller's current trace (with_timeout's operation) pins a copy.
// Cost per resumption: a shared_ptr copy (the executor is 24 bytes, so any_io_executor holds it
// without allocating) and two thread_local writes.
#include <memory>
#include <type_traits>
#include <utility>

#include <boost/asio/execution.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/prefer.hpp>
#include <boost/asio/query.hpp>
#include <boost/asio/require.hpp>

#include "vibework/infra/asio.hpp"
#include "vibework/infra/trace_context.hpp"

namespace vibework::infra {

// The trace some work runs in, or none. Changed only by that work itself, on its own thread.
class TraceCell {
 public:
  TraceCell() = default;
  explicit TraceCell(const TraceContext& trace) noexcept : trace_(trace), set_(true) {}
  const TraceContext* get() const noexcept { return set_ ? &trace_ : nullptr; }
  void set(const TraceContext& trace) noexcept {
    trace_ = trace;
    set_ = true;
  }
  void clear() noexcept { set_ = false; }

 private:
  TraceContext trace_{};
  bool set_ = false;
};
using SharedTraceCell = std::shared_ptr<TraceCell>;

// The trace installed on this thread now; null outside traced work.
const TraceContext* current_trace() noexcept;
// The cell installed now (null outside traced work): for a job handed to another thread that
// the caller waits for.
SharedTraceCell current_trace_cell() noexcept;
// A new cell holding a copy of the current trace (null outside traced work): for work that may
// go on after the caller has moved to another trace.
SharedTraceCell pinned_current_trace();

// Installs `cell` (may be null: none) on this thread until destroyed, then restores the
// previous one.
class TraceScope {
 public:
  explicit TraceScope(SharedTraceCell cell) noexcept;
  ~TraceScope();
  TraceScope(const TraceScope&) = delete;
  TraceScope& operator=(const TraceScope&) = delete;

 private:
  SharedTraceCell cell_;
  const SharedTraceCell* previous_;
};

// An executor that runs everything it is given with `cell` installed. Queries, require and
// prefer go to the inner executor; the result is wrapped again.
template <typename Inner>
class TracedExecutor {
 public:
  TracedExecutor(Inner inner, SharedTraceCell cell) noexcept : inner_(std::move(inner)), cell_(std::move(cell)) {}

  template <typename Property>
  auto query(const Property& p) const noexcept(noexcept(asio::query(std::declval<const Inner&>(), p)))
      -> decltype(asio::query(std::declval<const Inner&>(), p)) {
    return asio::query(inner_, p);
  }
  template <typename Property>
  auto require(const Property& p) const
      -> TracedExecutor<std::decay_t<decltype(asio::require(std::declval<const Inner&>(), p))>> {
    return {asio::require(inner_, p), cell_};
  }
  template <typename Property>
  auto prefer(const Property& p) const
      -> TracedExecutor<std::decay_t<decltype(asio::prefer(std::declval<const Inner&>(), p))>> {
    return {asio::prefer(inner_, p), cell_};
  }

  template <typename F>
  void execute(F&& f) const {
    inner_.execute(Bound<std::decay_t<F>>{cell_, std::forward<F>(f)});
  }

  friend bool operator==(const TracedExecutor& a, const TracedExecutor& b) noexcept {
    return a.inner_ == b.inner_ && a.cell_ == b.cell_;
  }
  friend bool operator!=(const TracedExecutor& a, const TracedExecutor& b) noexcept { return !(a == b); }

  const Inner& inner() const noexcept { return inner_; }
  const SharedTraceCell& cell() const noexcept { return cell_; }

 private:
  template <typename F>
  struct Bound {
    SharedTraceCell cell;
    F f;
    void operator()() {
      TraceScope scope(std::move(cell));
      std::move(f)();
    }
  };

  Inner inner_;
  SharedTraceCell cell_;
};

// `ex` running its work in `cell` (replacing a cell `ex` already carries; a null cell gives
// untraced(ex)). An io_context executor is wrapped as itself, so the result fits in
// any_io_executor without an allocation.
asio::any_io_executor traced(const asio::any_io_executor& ex, SharedTraceCell cell);
// The same with a new cell holding `trace`.
asio::any_io_executor traced(const asio::any_io_executor& ex, const TraceContext& trace);
// `ex` without the trace it may carry: for work shared by many traces (a publish batch).
asio::any_io_executor untraced(const asio::any_io_executor& ex);

}  // namespace vibework::infra
