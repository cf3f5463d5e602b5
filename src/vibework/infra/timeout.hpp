#pragma once
// with_timeout: bound any awaitable by a deadline.
//
// The operation runs as its own coroutine; the caller waits for whichever comes first, the
// result or the deadline. On the deadline the caller gets a TimeoutError at once and the
// operation is sent a terminal cancellation: it is NOT waited for, so a hung driver call can
// never hold up the caller. The operation's frame stays alive until it ends by itself, which
// is why anything it touches must outlive it (components live until the runtime is joined).
//
// Call it from a single-threaded executor (each vibework I/O thread runs its own io_context)
// or a strand: the result hand-off is not synchronised for concurrent executors.
//
// When to use which: with_timeout is the general-purpose bound for an awaitable you cannot
// cancel yourself (connects, health checks, start-up and shutdown steps, user code); it costs a
// coroutine, a shared state and a timer per call. A deadline on a wait you own and can end
// from outside (cancel its socket wait, close its connection), set per query, per request or
// per command, belongs in the I/O thread's DeadlineSweep (async/deadline_sweep.hpp) instead:
// no allocation and usually no timer operation per deadline.
#include <chrono>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/system/system_error.hpp>

#include "vibework/infra/asio.hpp"
#include "vibework/infra/current_trace.hpp"
#include "vibework/infra/errors.hpp"

namespace vibework::infra {

namespace detail {
template <typename T>
struct TimeoutState {
  explicit TimeoutState(const asio::any_io_executor& ex) : wake(ex) {}
  asio::steady_timer wake;
  asio::cancellation_signal cancel;
  std::optional<T> value;
  std::exception_ptr error;
  bool done = false;
};
struct Unit {};

[[noreturn]] void throw_timeout(const std::string& service, const std::string& what,
                                std::chrono::milliseconds limit);
}  // namespace detail

// Throws TimeoutError("<service>", "<what> did not finish within N ms") on the deadline.
template <typename T>
awaitable<T> with_timeout(awaitable<T> op, std::chrono::milliseconds limit, std::string service,
                          std::string what) {
  using Stored = std::conditional_t<std::is_void_v<T>, detail::Unit, T>;
  auto ex = co_await asio::this_coro::executor;
  auto state = std::make_shared<detail::TimeoutState<Stored>>(ex);
  const auto deadline = std::chrono::steady_clock::now() + limit;
  state->wake.expires_at(deadline);

  auto body = [](awaitable<T> inner, std::shared_ptr<detail::TimeoutState<Stored>> st) -> awaitable<void> {
    try {
      if constexpr (std::is_void_v<T>) {
        co_await std::move(inner);
        st->value.emplace();
      } else {
        st->value.emplace(co_await std::move(inner));
      }
    } catch (...) {
      st->error = std::current_exception();
    }
    st->done = true;
    // expires_at(min) both wakes a pending wait and makes a later wait return at once.
    st->wake.expires_at(std::chrono::steady_clock::time_point::min());
  };
  // The operation keeps the caller's trace even once the caller has moved on (a connection
  // serving its next request): a copy of it, not the caller's cell.
  const auto body_ex = traced(ex, pinned_current_trace());
  asio::co_spawn(body_ex, body(std::move(op), state),
                 // The handler owns the state too: the slot lives in it and must outlive the
                 // spawned coroutine's last touch of the slot.
                 asio::bind_cancellation_slot(state->cancel.slot(), [state](std::exception_ptr) {}));

  boost::system::error_code ec;
  while (!state->done) {
    co_await state->wake.async_wait(asio::redirect_error(use_awaitable, ec));
    if (state->done) break;
    if (std::chrono::steady_clock::now() >= deadline) {
      state->cancel.emit(asio::cancellation_type::terminal);
      detail::throw_timeout(service, what, limit);
    }
    if (ec == asio::error::operation_aborted) {
      // The caller itself was cancelled: pass it on to the operation and give up.
      state->cancel.emit(asio::cancellation_type::terminal);
      throw boost::system::system_error(ec);
    }
  }
  if (state->error) std::rethrow_exception(state->error);
  if constexpr (!std::is_void_v<T>) co_return std::move(*state->value);
}

}  // namespace vibework::infra
