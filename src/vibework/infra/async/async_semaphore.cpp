#include "vibework/infra/async/async_semaphore.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "vibework/infra/errors.hpp"

namespace vibework::infra {

AsyncSemaphore::AsyncSemaphore(std::size_t permits, SemaphoreErrors errors)
    : permits_(std::max<std::size_t>(1, permits)), errors_(std::move(errors)) {}

AsyncSemaphore::Permit& AsyncSemaphore::Permit::operator=(Permit&& other) noexcept {
  if (this != &other) {
    release();
    owner_ = std::exchange(other.owner_, nullptr);
  }
  return *this;
}

void AsyncSemaphore::Permit::release() noexcept {
  if (auto* owner = std::exchange(owner_, nullptr)) owner->give_back();
}

std::size_t AsyncSemaphore::in_use() const {
  std::lock_guard lock(mutex_);
  return in_use_;
}

std::size_t AsyncSemaphore::waiting() const {
  std::lock_guard lock(mutex_);
  return waiters_.size();
}

void AsyncSemaphore::throw_closed() const {
  throw UnavailableError(errors_.service, errors_.closed_message, errors_.closed_hint);
}

awaitable<AsyncSemaphore::Permit> AsyncSemaphore::acquire(std::chrono::milliseconds timeout) {
  const auto ex = co_await asio::this_coro::executor;
  WaiterQueue<>::Ticket ticket;
  {
    std::lock_guard lock(mutex_);
    if (closed_) throw_closed();
    if (in_use_ < permits_ && waiters_.empty()) {
      ++in_use_;
      co_return Permit(this);
    }
    ticket = waiters_.push(ex, WaiterQueue<>::Clock::now() + timeout);
  }
  const auto outcome = co_await waiters_.wait(std::move(ticket));
  if (outcome.how == Woken::granted) co_return Permit(this);
  {
    std::lock_guard lock(mutex_);
    if (outcome.how == Woken::closed || closed_) throw_closed();
  }
  throw PoolExhaustedError(errors_.service,
                           fmt::format("waited {} ms for {}, all {} are busy", timeout.count(), errors_.waited_for,
                                       permits_),
                           errors_.exhausted_hint);
}

void AsyncSemaphore::give_back() noexcept {
  std::lock_guard lock(mutex_);
  try {
    if (!waiters_.empty()) {
      waiters_.grant_front({});  // the permit passes straight to the waiter: in_use_ is unchanged
      return;
    }
    if (--in_use_ == 0) {
      while (!drain_waiters_.empty()) drain_waiters_.grant_front({});
    }
  } catch (...) {
    // grant_front only posts; if even that fails there is no one to tell
  }
}

void AsyncSemaphore::close() {
  std::lock_guard lock(mutex_);
  closed_ = true;
  waiters_.close();
}

awaitable<void> AsyncSemaphore::drained() {
  const auto ex = co_await asio::this_coro::executor;
  WaiterQueue<>::Ticket ticket;
  {
    std::lock_guard lock(mutex_);
    if (in_use_ == 0) co_return;
    ticket = drain_waiters_.push(ex, WaiterQueue<>::Clock::time_point::max());
  }
  co_await drain_waiters_.wait(std::move(ticket));
}

}  // namespace vibework::infra
