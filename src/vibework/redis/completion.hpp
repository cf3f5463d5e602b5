#pragma once
// Completion<Args...>: a type-erased, one-shot completion handler that may be completed from
// any thread. The caller's handler runs on the caller's own executor (posted, never inline),
// and the caller's executor is kept busy (work-tracked) until then, so an io_context waiting
// for the reply does not run out of work.
//
// Include only from .cpp files: it pulls in Asio's composition machinery.
#include <exception>
#include <memory>
#include <utility>

#include <boost/asio/append.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>

#include "vibework/infra/asio.hpp"

namespace vibework::redis::detail {

template <typename... Args>
class Completion {
 public:
  virtual ~Completion() = default;
  // Consumes the completion: call at most once (and then destroy it).
  virtual void complete(std::exception_ptr error, Args... args) = 0;
};

template <typename Handler, typename... Args>
class HandlerCompletion final : public Completion<Args...> {
 public:
  explicit HandlerCompletion(Handler h)
      : work_(asio::make_work_guard(asio::get_associated_executor(h))), handler_(std::move(h)) {}
  void complete(std::exception_ptr error, Args... args) override {
    auto ex = work_.get_executor();
    asio::post(ex, asio::append(std::move(handler_), std::move(error), std::move(args)...));
    work_.reset();
  }

 private:
  asio::executor_work_guard<asio::associated_executor_t<Handler>> work_;
  Handler handler_;
};

// co_await suspend_into<Args...>(fn): calls fn(std::unique_ptr<Completion<Args...>>) and
// resumes the coroutine when that completion is completed (rethrowing its exception).
template <typename... Args, typename Fn>
auto suspend_into(Fn fn) {
  return asio::async_initiate<decltype(use_awaitable), void(std::exception_ptr, Args...)>(
      [fn = std::move(fn)](auto handler) mutable {
        using H = decltype(handler);
        fn(std::unique_ptr<Completion<Args...>>(new HandlerCompletion<H, Args...>(std::move(handler))));
      },
      use_awaitable);
}

}  // namespace vibework::redis::detail
