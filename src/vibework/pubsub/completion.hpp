#pragma once
// Internal: turn an Asio completion handler into a copyable callback that may be invoked from
// any thread; the handler then runs on its own executor (the awaiting coroutine's context).
#include <exception>
#include <functional>
#include <memory>
#include <utility>

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>

#include "vibework/infra/asio.hpp"

namespace vibework::pubsub::detail {

template <typename... Args, typename Handler>
std::function<void(Args...)> share_handler(Handler handler) {
  auto work = asio::make_work_guard(asio::get_associated_executor(handler));
  struct Holder {
    Handler handler;
    decltype(work) guard;
  };
  auto holder = std::make_shared<Holder>(Holder{std::move(handler), std::move(work)});
  return [holder](Args... args) {
    auto ex = holder->guard.get_executor();
    asio::post(ex, [holder, ... args = std::move(args)]() mutable {
      std::move(holder->handler)(std::move(args)...);
      holder->guard.reset();
    });
  };
}

}  // namespace vibework::pubsub::detail
