#pragma once
// WaiterQueue<Grant, Need>: coroutines parked in FIFO order until another thread hands them a
// Grant (a connection, a permit, "go"), their deadline passes, the queue is closed, or they are
// cancelled. Each resumes on its own executor, however far the granting thread is.
//
// The owner decides who gets what, under its own mutex (the queue's guard), so "is anything
// free? otherwise queue me" and "something came back: who is first?" never race:
//
//   std::mutex mutex;
//   infra::WaiterQueue<Connection> waiters{mutex};
//
//   // acquire: queue under the lock, wait without it
//   WaiterQueue<Connection>::Ticket ticket;
//   { std::lock_guard lock(mutex); if (free) return take(); ticket = waiters.push(ex, deadline); }
//   auto outcome = co_await waiters.wait(std::move(ticket));  // granted / timed_out / closed
//
//   // release, on any thread
//   { std::lock_guard lock(mutex); if (!waiters.empty()) waiters.grant_front(std::move(c)); }
//
// `Need` is what a waiter asks for (bytes to reserve, the io_context it prefers), read by the
// owner at the front with front_need(). A cancelled wait (the awaiting coroutine's
// cancellation slot, e.g. with_timeout) leaves the queue and throws
// boost::system::system_error(operation_aborted), as any Asio wait. A grant that races with the
// deadline or a cancellation wins: what was handed over is never lost.
//
// Cost of a wait: one allocation (the ticket, with its timer) and one timer wait; a grant is one
// post to the waiter's executor. Threads: push/grant_front/close/empty/size/front_need under the
// guard; wait() without it. Waiters may sit on different executors.
#include <algorithm>
#include <chrono>
#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <utility>
#include <variant>

#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/system/system_error.hpp>

#include "vibework/infra/asio.hpp"

namespace vibework::infra {

enum class Woken { granted, timed_out, closed };

template <typename Grant = std::monostate, typename Need = std::monostate>
class WaiterQueue {
  struct Node;

 public:
  using Clock = std::chrono::steady_clock;

  // How a wait ended; `grant` is set when granted.
  struct Outcome {
    Woken how;
    std::optional<Grant> grant;
  };

  // One queued waiter, from push() to wait().
  class Ticket {
   public:
    Ticket() = default;

   private:
    friend class WaiterQueue;
    explicit Ticket(std::shared_ptr<Node> node) : node_(std::move(node)) {}
    std::shared_ptr<Node> node_;
  };

  explicit WaiterQueue(std::mutex& guard) : guard_(guard) {}
  WaiterQueue(const WaiterQueue&) = delete;
  WaiterQueue& operator=(const WaiterQueue&) = delete;

  // Under the guard: queues a waiter that resumes on `ex` and gives up at `deadline`
  // (Clock::time_point::max(): never). Pass the ticket to wait().
  Ticket push(const asio::any_io_executor& ex, Clock::time_point deadline, Need need = {}) {
    auto node = std::make_shared<Node>(ex, deadline, std::move(need));
    queue_.push_back(node);
    return Ticket(std::move(node));
  }

  // Without the guard: suspends until the waiter is granted, closed or its deadline passes.
  awaitable<Outcome> wait(Ticket ticket) {
    std::shared_ptr<Node> node = std::move(ticket.node_);
    boost::system::error_code ec;
    co_await node->timer.async_wait(asio::redirect_error(use_awaitable, ec));
    std::lock_guard lock(guard_);
    if (node->grant) co_return Outcome{Woken::granted, std::move(node->grant)};
    if (node->closed) co_return Outcome{Woken::closed, std::nullopt};
    queue_.erase(std::find(queue_.begin(), queue_.end(), node));
    if (ec == asio::error::operation_aborted) throw boost::system::system_error(ec);  // cancelled
    co_return Outcome{Woken::timed_out, std::nullopt};
  }

  // Under the guard.
  bool empty() const noexcept { return queue_.empty(); }
  std::size_t size() const noexcept { return queue_.size(); }
  // What the oldest waiter asked for. Not empty().
  const Need& front_need() const noexcept { return queue_.front()->need; }

  // Under the guard: the oldest waiter leaves the queue with `grant` and resumes on its
  // executor. Not empty().
  void grant_front(Grant grant) {
    std::shared_ptr<Node> node = std::move(queue_.front());
    queue_.pop_front();
    node->grant.emplace(std::move(grant));
    wake(std::move(node));
  }

  // Under the guard: every waiter leaves with Woken::closed. The queue stays usable.
  void close() {
    std::deque<std::shared_ptr<Node>> woken;
    woken.swap(queue_);
    for (auto& node : woken) {
      node->closed = true;
      wake(std::move(node));
    }
  }

 private:
  struct Node {
    Node(const asio::any_io_executor& ex, Clock::time_point deadline, Need n)
        : timer(ex, deadline), need(std::move(n)) {}
    asio::steady_timer timer;    // touched only on its executor; the wait is this timer's wait
    Need need;
    std::optional<Grant> grant;  // these two under the guard
    bool closed = false;
  };

  // The timer belongs to the waiter's executor: end its wait there. expires_at(min) also ends
  // a wait that has not started yet (the waiter is between push() and wait()).
  static void wake(std::shared_ptr<Node> node) {
    auto ex = node->timer.get_executor();
    asio::post(ex, [node = std::move(node)] { node->timer.expires_at(Clock::time_point::min()); });
  }

  std::mutex& guard_;
  std::deque<std::shared_ptr<Node>> queue_;
};

}  // namespace vibework::infra
