#pragma once
// run_on(executor, fn): runs fn on another executor (the I/O thread that owns a connection, a
// strand, the BlockingPool's threads) and resumes the caller on its own executor with fn's
// result, or rethrows what fn threw.
//
//   auto id = co_await infra::run_on(sub->executor(), std::move(add));   // add() -> awaitable<T>
//   auto rows = co_await infra::run_on(pool.get_executor(), std::move(query));  // query() -> T
//
// fn is a callable returning awaitable<T> (run as a coroutine there) or a plain T (a function
// call there, e.g. a blocking driver call). When the caller already runs on `executor`, fn runs
// right here, without a hop
// (when the executor type can tell: io_context and thread_pool executors and strands can,
// any_io_executor cannot). fn must own, or share ownership of, what it touches: the caller may
// be gone by the time another thread runs it (cancellation does not reach into fn).
// The caller's trace (current_trace.hpp) goes along: fn's log lines carry its trace id.
// (GCC 12: pass fn as a named local, std::move'd, not as a capturing lambda temporary.)
#include <exception>
#include <optional>
#include <type_traits>
#include <utility>

#include <boost/asio/post.hpp>

#include "vibework/infra/asio.hpp"
#include "vibework/infra/async/completion.hpp"
#include "vibework/infra/current_trace.hpp"

namespace vibework::infra {

namespace detail {
template <typename T>
struct awaited {
  static constexpr bool coroutine = false;
  using type = T;
};
template <typename T, typename E>
struct awaited<awaitable<T, E>> {
  static constexpr bool coroutine = true;
  using type = T;
};

// Whether the caller already runs on ex (an executor that cannot tell, such as
// any_io_executor, is taken as "elsewhere": one hop too many, never a missing one).
template <typename Executor>
bool here(const Executor& ex) {
  if constexpr (requires { ex.running_in_this_thread(); }) {
    return ex.running_in_this_thread();
  } else {
    return false;
  }
}

template <typename Executor, typename F>
auto run_coroutine_on(Executor ex, F fn) -> std::invoke_result_t<F&> {
  if (here(ex)) co_return co_await fn();
  if (auto trace = current_trace_cell()) {
    const auto there = traced(ex, std::move(trace));
    co_return co_await asio::co_spawn(there, std::move(fn), use_awaitable);
  }
  co_return co_await asio::co_spawn(ex, std::move(fn), use_awaitable);
}

template <typename R, typename Executor, typename F>
awaitable<R> run_call_on(Executor ex, F fn) {
  if (here(ex)) co_return fn();
  if constexpr (std::is_void_v<R>) {
    auto start = [ex, fn = std::move(fn)](auto handoff) mutable {
      asio::post(ex, [fn = std::move(fn), h = std::move(handoff), trace = current_trace_cell()]() mutable {
        TraceScope scope(std::move(trace));
        std::exception_ptr error;
        try {
          fn();
        } catch (...) {
          error = std::current_exception();
        }
        std::move(h).resume(error);
      });
    };
    co_await suspend_with<>(std::move(start));
  } else {
    auto start = [ex, fn = std::move(fn)](auto handoff) mutable {
      asio::post(ex, [fn = std::move(fn), h = std::move(handoff), trace = current_trace_cell()]() mutable {
        TraceScope scope(std::move(trace));
        std::exception_ptr error;
        std::optional<R> value;
        try {
          value.emplace(fn());
        } catch (...) {
          error = std::current_exception();
        }
        std::move(h).resume(error, std::move(value));
      });
    };
    auto value = co_await suspend_with<std::optional<R>>(std::move(start));
    co_return std::move(*value);
  }
}
}  // namespace detail

// awaitable<T>, where T is fn's result (or what fn's awaitable yields).
template <typename Executor, typename F>
auto run_on(const Executor& executor, F fn) {
  using Made = std::invoke_result_t<F&>;
  if constexpr (detail::awaited<Made>::coroutine) {
    return detail::run_coroutine_on(executor, std::move(fn));
  } else {
    return detail::run_call_on<Made>(executor, std::move(fn));
  }
}

}  // namespace vibework::infra
