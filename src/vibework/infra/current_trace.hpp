#pragma once
// The trace the current thread is working for, so every log line of a request (or a Pub/Sub
// message) carries its trace id, wherever and whenever its coroutines resume.
//
// A thread_local set once at the start of a request would be wrong: coroutines of many
// requests interleave on one I/O thread and resume on others. So the trace travels with the
// executor instead: a coroutine spawned on traced(ex, trace) runs every resumption through
// TracedExecutor::execute, which installs the trace for exactly that run and restores what was
// there before. Everything the coroutine starts on its executor inherits it: awaited driver
// calls (their hand-off posts back to it), with_timeout's operation, co_spawn'ed children.
//
//   auto ex = infra::traced(io.get_executor(), infra::trace_from_header(header));
//   co_await asio::co_spawn(ex, handle(request), use_awaitable);   // spdlog lines get trace=...
//
// Cost: a shared_ptr copy per resumption (the executor is 24 bytes, so any_io_executor holds it
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

using SharedTrace = std::shared_ptr<const TraceContext>;

// The trace installed on this thread now; null outside traced work.
const TraceContext* current_trace() noexcept;
// The same, shared: for work handed to another thread that should carry it.
SharedTrace current_trace_shared() noexcept;

// Installs `trace` (may be null: none) on this thread until destroyed, then restores the
// previous one. For code that is not a coroutine on a traced executor (the access log line).
class TraceScope {
 public:
  explicit TraceScope(SharedTrace trace) noexcept;
  ~TraceScope();
  TraceScope(const TraceScope&) = delete;
  TraceScope& operator=(const TraceScope&) = delete;

 private:
  SharedTrace trace_;
  const SharedTrace* previous_;
};

// An executor that runs everything it is given with `trace` installed. Queries, require and
// prefer go to the inner executor; the result is wrapped again.
template <typename Inner>
class TracedExecutor {
 public:
  TracedExecutor(Inner inner, SharedTrace trace) noexcept : inner_(std::move(inner)), trace_(std::move(trace)) {}

  template <typename Property>
  auto query(const Property& p) const noexcept(noexcept(asio::query(std::declval<const Inner&>(), p)))
      -> decltype(asio::query(std::declval<const Inner&>(), p)) {
    return asio::query(inner_, p);
  }
  template <typename Property>
  auto require(const Property& p) const
      -> TracedExecutor<std::decay_t<decltype(asio::require(std::declval<const Inner&>(), p))>> {
    return {asio::require(inner_, p), trace_};
  }
  template <typename Property>
  auto prefer(const Property& p) const
      -> TracedExecutor<std::decay_t<decltype(asio::prefer(std::declval<const Inner&>(), p))>> {
    return {asio::prefer(inner_, p), trace_};
  }

  template <typename F>
  void execute(F&& f) const {
    inner_.execute(Bound<std::decay_t<F>>{trace_, std::forward<F>(f)});
  }

  bool running_in_this_thread() const noexcept
    requires requires(const Inner& i) { i.running_in_this_thread(); }
  {
    return inner_.running_in_this_thread();
  }

  friend bool operator==(const TracedExecutor& a, const TracedExecutor& b) noexcept {
    return a.inner_ == b.inner_ && a.trace_ == b.trace_;
  }
  friend bool operator!=(const TracedExecutor& a, const TracedExecutor& b) noexcept { return !(a == b); }

  const Inner& inner() const noexcept { return inner_; }
  const SharedTrace& trace() const noexcept { return trace_; }

 private:
  template <typename F>
  struct Bound {
    SharedTrace trace;
    F f;
    void operator()() {
      TraceScope scope(std::move(trace));
      std::move(f)();
    }
  };

  Inner inner_;
  SharedTrace trace_;
};

// `ex` running its work under `trace` (replacing a trace `ex` already carries). An io_context
// executor is wrapped as itself, so the result fits in any_io_executor without an allocation.
asio::any_io_executor traced(const asio::any_io_executor& ex, TraceContext trace);
asio::any_io_executor traced(const asio::any_io_executor& ex, SharedTrace trace);
// `ex` without the trace it may carry: for work shared by many traces (a publish batch).
asio::any_io_executor untraced(const asio::any_io_executor& ex);

}  // namespace vibework::infra
