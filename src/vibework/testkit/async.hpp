#pragma once
// Test helper: run a coroutine to completion on a private io_context, bounded in time.
#include <chrono>
#include <future>
#include <stdexcept>

#include <boost/asio/io_context.hpp>
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

}  // namespace vibework::testkit
