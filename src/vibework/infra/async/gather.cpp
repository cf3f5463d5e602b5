#include "vibework/infra/async/gather.hpp"

#include <exception>
#include <memory>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>

namespace vibework::infra {

namespace {
struct GatherState {
  explicit GatherState(asio::any_io_executor ex, std::size_t n) : done(ex), remaining(n), errors(n) {}
  asio::steady_timer done;  // expires at min() when the last task ends
  std::size_t remaining;
  std::vector<std::exception_ptr> errors;
};
}  // namespace

awaitable<void> gather(std::size_t count, std::function<awaitable<void>(std::size_t)> task) {
  if (count == 0) co_return;
  auto ex = co_await asio::this_coro::executor;
  auto state = std::make_shared<GatherState>(ex, count);
  state->done.expires_at(asio::steady_timer::time_point::max());
  auto shared_task = std::make_shared<std::function<awaitable<void>(std::size_t)>>(std::move(task));
  for (std::size_t i = 0; i < count; ++i) {
    // Each task finishes on `ex`, the executor this coroutine runs on, so `remaining` is only
    // touched there (one thread for an io_context; a strand otherwise).
    asio::co_spawn(
        ex,
        [state, shared_task, i]() -> awaitable<void> {
          try {
            co_await (*shared_task)(i);
          } catch (...) {
            state->errors[i] = std::current_exception();
          }
          if (--state->remaining == 0) state->done.expires_at(asio::steady_timer::time_point::min());
        },
        asio::detached);
  }
  boost::system::error_code ec;
  // Not cancellable: the tasks may hold references to the caller's frame.
  while (state->remaining > 0) co_await state->done.async_wait(asio::redirect_error(use_awaitable, ec));
  for (auto& e : state->errors) {
    if (e) std::rethrow_exception(e);
  }
}

}  // namespace vibework::infra
