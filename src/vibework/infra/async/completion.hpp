#pragma once
// Hand-off of a result to a suspended coroutine: the result may be produced on any thread; the
// coroutine always resumes on its own executor, posted (never inline, so the producer's stack
// and locks are not re-entered), and that executor counts as busy until then, so an io_context
// waiting for the result does not run out of work.
//
// Two forms of the same hand-off:
//
//   // Handoff: no allocation of its own; for a producer that moves it into its job.
//   auto rows = co_await infra::suspend_with<std::optional<Rows>>([&](auto handoff) {
//     asio::post(pool, [h = std::move(handoff)]() mutable { std::move(h).resume(nullptr, query()); });
//   });
//
//   // Completion: type-erased, one allocation; for a producer that keeps it in a queue (a
//   // pipelined Redis command waits in a deque for its reply) or completes it its own way.
//   co_return co_await infra::suspend_into<Reply>([&](std::unique_ptr<infra::Completion<Reply>> done) {
//     pending.push_back(std::move(done));   // later, on any thread: done->complete(error, reply)
//   });
//
// The first argument of every result is a std::exception_ptr: when it is set, the co_await
// rethrows it. A Handoff or Completion dropped without being resumed destroys the coroutine
// (as any Asio operation that never completes). (GCC 12: pass the producer as a named local,
// std::move'd, not as a capturing lambda temporary inside the co_await.)
#include <exception>
#include <memory>
#include <utility>

#include <boost/asio/append.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>

#include "vibework/infra/asio.hpp"

namespace vibework::infra {

// Owns an Asio completion handler and keeps its executor busy; resume() posts the handler to
// that executor with the given arguments. Movable, one-shot.
template <typename Handler>
class Handoff {
 public:
  explicit Handoff(Handler handler)
      : work_(asio::make_work_guard(asio::get_associated_executor(handler))), handler_(std::move(handler)) {}

  // Call at most once, from any thread.
  template <typename... Args>
  void resume(Args&&... args) && {
    auto ex = work_.get_executor();
    asio::post(ex, asio::append(std::move(handler_), std::forward<Args>(args)...));
    work_.reset();
  }

 private:
  asio::executor_work_guard<asio::associated_executor_t<Handler>> work_;
  Handler handler_;
};

// A one-shot result of type (exception, Args...) that someone is waiting for. Subclass it to
// consume a result yourself (e.g. log the failure of a command nobody awaits).
template <typename... Args>
class Completion {
 public:
  virtual ~Completion() = default;
  // Consumes the completion: call at most once (and then destroy it), from any thread.
  virtual void complete(std::exception_ptr error, Args... args) = 0;
};

// The Completion that resumes a coroutine (what suspend_into hands out).
template <typename Handler, typename... Args>
class HandoffCompletion final : public Completion<Args...> {
 public:
  explicit HandoffCompletion(Handler handler) : handoff_(std::move(handler)) {}
  void complete(std::exception_ptr error, Args... args) override {
    std::move(handoff_).resume(std::move(error), std::move(args)...);
  }

 private:
  Handoff<Handler> handoff_;
};

// co_await suspend_with<Args...>(start): calls start(handoff) with a Handoff of the calling
// coroutine and suspends it; std::move(handoff).resume(error, args...) resumes it with
// `args` (nothing, one value, or a tuple), rethrowing `error` if set.
template <typename... Args, typename Start>
auto suspend_with(Start start) {
  return asio::async_initiate<decltype(use_awaitable), void(std::exception_ptr, Args...)>(
      [start = std::move(start)](auto handler) mutable { start(Handoff<decltype(handler)>(std::move(handler))); },
      use_awaitable);
}

// co_await suspend_into<Args...>(start): as suspend_with, with the hand-off as a
// std::unique_ptr<Completion<Args...>> (one allocation).
template <typename... Args, typename Start>
auto suspend_into(Start start) {
  return asio::async_initiate<decltype(use_awaitable), void(std::exception_ptr, Args...)>(
      [start = std::move(start)](auto handler) mutable {
        using H = decltype(handler);
        start(std::unique_ptr<Completion<Args...>>(new HandoffCompletion<H, Args...>(std::move(handler))));
      },
      use_awaitable);
}

}  // namespace vibework::infra
