#pragma once
// BlockingPool: a fixed set of threads for driver calls that block (MariaDB Connector/C,
// mongo-c-driver) and CPU-heavy work (Argon2), so I/O threads never block.
//
//   auto rows = co_await pool.run([conn] { return conn->query(...); });
//
// The coroutine resumes on its own executor with the result, or the exception the function
// threw. A started job always runs to completion (blocking calls cannot be interrupted), so
// the function must own, or share ownership of, whatever it touches; bound its duration with
// the driver's own timeouts.
#include <cstddef>
#include <exception>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>

#include <boost/asio/async_result.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>

#include "vibework/infra/asio.hpp"

namespace vibework::infra {

class BlockingPool {
 public:
  BlockingPool(std::size_t threads, std::string name);
  ~BlockingPool();
  BlockingPool(const BlockingPool&) = delete;
  BlockingPool& operator=(const BlockingPool&) = delete;

  std::size_t size() const noexcept { return threads_; }
  const std::string& name() const noexcept { return name_; }

  // Waits for queued jobs to finish and joins the threads. Idempotent.
  void join();

  template <typename F>
  auto run(F function) -> awaitable<std::invoke_result_t<F&>> {
    using R = std::invoke_result_t<F&>;
    // this->: clang 16 misses an implicit `this` in a generic lambda (-Wunused-lambda-capture)
    if constexpr (std::is_void_v<R>) {
      co_await asio::async_initiate<decltype(use_awaitable), void(std::exception_ptr)>(
          [this](auto handler, F fn) { this->submit_void(std::move(handler), std::move(fn)); }, use_awaitable,
          std::move(function));
    } else {
      auto result = co_await asio::async_initiate<decltype(use_awaitable),
                                                  void(std::exception_ptr, std::optional<R>)>(
          [this](auto handler, F fn) { this->submit_value<R>(std::move(handler), std::move(fn)); }, use_awaitable,
          std::move(function));
      co_return std::move(*result);
    }
  }

 private:
  template <typename R, typename Handler, typename F>
  void submit_value(Handler handler, F fn) {
    auto work = asio::make_work_guard(asio::get_associated_executor(handler));
    asio::post(pool_, [handler = std::move(handler), fn = std::move(fn), work = std::move(work)]() mutable {
      std::exception_ptr error;
      std::optional<R> value;
      try {
        value.emplace(fn());
      } catch (...) {
        error = std::current_exception();
      }
      auto ex = work.get_executor();
      asio::dispatch(ex, [handler = std::move(handler), error, value = std::move(value)]() mutable {
        std::move(handler)(error, std::move(value));
      });
    });
  }

  template <typename Handler, typename F>
  void submit_void(Handler handler, F fn) {
    auto work = asio::make_work_guard(asio::get_associated_executor(handler));
    asio::post(pool_, [handler = std::move(handler), fn = std::move(fn), work = std::move(work)]() mutable {
      std::exception_ptr error;
      try {
        fn();
      } catch (...) {
        error = std::current_exception();
      }
      auto ex = work.get_executor();
      asio::dispatch(ex, [handler = std::move(handler), error]() mutable { std::move(handler)(error); });
    });
  }

  std::size_t threads_;
  std::string name_;
  asio::thread_pool pool_;
  bool joined_ = false;
};

}  // namespace vibework::infra
