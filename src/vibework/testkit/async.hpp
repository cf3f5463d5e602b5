#pragma once
// Test helpers for coroutines: run one to completion on a private io_context, bounded in time;
// and wait inside a coroutine for an event (the coroutine form of testkit::eventually).
#include <algorithm>
#include <chrono>
#include <future>
#include <stdexcept>
#include <type_traits>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_future.hpp>

#include "vibework/infra/asio.hpp"

namespace vibework::testkit {

template <typename T>
T run_async(awaitable<T> task, std::chrono::milliseconds limit = std::chrono::seconds(60)) {
  asio::io_context ctx(1);
  auto future = asio::co_spawn(ctx, std::move(task), asio::use_future);
  ctx.run_for(limit);
  if (future.wait_for(std::chrono::seconds(0)) != std::future_status::ready) {
    throw std::runtime_error("test coroutine did not finish within the limit");
  }
  return future.get();
}

// Polls `condition` until it holds or `limit` passed, without blocking the thread (other
// coroutines on it keep running); returns whether it held. `condition` returns bool or
// awaitable<bool> (e.g. a query of the server's own state). GCC 12: name a capturing lambda
// first (README, "GCC 12 and temporaries inside co_await").
template <typename Condition>
awaitable<bool> eventually_async(Condition condition, std::chrono::milliseconds limit,
                                 std::chrono::milliseconds poll = std::chrono::milliseconds(5)) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  asio::steady_timer pause(co_await asio::this_coro::executor);
  for (;;) {
    bool held = false;
    if constexpr (std::is_convertible_v<std::invoke_result_t<Condition&>, bool>) {
      held = condition();
    } else {
      held = co_await condition();
    }
    if (held) co_return true;
    const auto now = std::chrono::steady_clock::now();
    if (now >= deadline) co_return false;
    pause.expires_after(std::min<std::chrono::steady_clock::duration>(poll, deadline - now));
    co_await pause.async_wait(use_awaitable);
  }
}

}  // namespace vibework::testkit
