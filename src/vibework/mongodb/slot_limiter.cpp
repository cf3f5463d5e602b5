#include "vibework/mongodb/slot_limiter.hpp"

#include <algorithm>

#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>

#include "vibework/infra/errors.hpp"

namespace vibework::mongodb {

struct SlotLimiter::Waiter {
  explicit Waiter(const asio::any_io_executor& ex) : timer(ex) {}
  asio::steady_timer timer;  // touched only on its executor
  bool granted = false;      // guarded by the limiter's mutex
  bool closed = false;       // guarded by the limiter's mutex
};

SlotLimiter::SlotLimiter(std::size_t slots) : slots_(std::max<std::size_t>(1, slots)) {}

SlotLimiter::Slot& SlotLimiter::Slot::operator=(Slot&& other) noexcept {
  if (this != &other) {
    release();
    owner_ = std::exchange(other.owner_, nullptr);
  }
  return *this;
}

void SlotLimiter::Slot::release() noexcept {
  if (auto* owner = std::exchange(owner_, nullptr)) owner->give_back();
}

std::size_t SlotLimiter::in_use() const {
  std::lock_guard lock(mutex_);
  return in_use_;
}

namespace {
[[noreturn]] void throw_closed(const std::string& address) {
  throw infra::UnavailableError("mongodb", "the MongoDB client for " + address + " is shut down",
                         "the service is stopping; retry on another instance");
}
}  // namespace

awaitable<SlotLimiter::Slot> SlotLimiter::acquire(std::chrono::milliseconds timeout, const std::string& address) {
  std::shared_ptr<Waiter> waiter;
  {
    std::lock_guard lock(mutex_);
    if (closed_) throw_closed(address);
    if (in_use_ < slots_ && waiters_.empty()) {
      ++in_use_;
      co_return Slot(this);
    }
    waiter = std::make_shared<Waiter>(co_await asio::this_coro::executor);
    waiter->timer.expires_after(timeout);
    waiters_.push_back(waiter);
  }
  boost::system::error_code ec;
  co_await waiter->timer.async_wait(asio::redirect_error(use_awaitable, ec));
  {
    std::lock_guard lock(mutex_);
    if (waiter->granted) co_return Slot(this);
    waiters_.erase(std::remove(waiters_.begin(), waiters_.end(), waiter), waiters_.end());
    if (waiter->closed || closed_) throw_closed(address);
  }
  throw infra::PoolExhaustedError("mongodb",
                           "waited " + std::to_string(timeout.count()) + " ms for a connection to " + address +
                               ", all " + std::to_string(slots_) + " are busy",
                           "raise MONGODB_POOL_SIZE (or maxPoolSize in MONGODB_URI), or look for slow queries");
}

void SlotLimiter::give_back() noexcept {
  std::shared_ptr<Waiter> next;
  {
    std::lock_guard lock(mutex_);
    if (!waiters_.empty()) {
      next = std::move(waiters_.front());
      waiters_.pop_front();
      next->granted = true;  // the slot passes straight to the waiter: in_use_ is unchanged
    } else {
      --in_use_;
    }
  }
  if (next) {
    auto ex = next->timer.get_executor();
    asio::post(ex, [next] { next->timer.cancel(); });
  }
}

void SlotLimiter::close() {
  std::deque<std::shared_ptr<Waiter>> woken;
  {
    std::lock_guard lock(mutex_);
    closed_ = true;
    woken.swap(waiters_);
    for (auto& w : woken) w->closed = true;
  }
  for (auto& w : woken) {
    auto ex = w->timer.get_executor();
    asio::post(ex, [w] { w->timer.cancel(); });
  }
}

awaitable<void> SlotLimiter::drained() {
  asio::steady_timer tick(co_await asio::this_coro::executor);
  // Blocking jobs end on worker threads; polling keeps this free of cross-thread wakeups.
  while (in_use() > 0) {
    tick.expires_after(std::chrono::milliseconds(5));
    co_await tick.async_wait(use_awaitable);
  }
}

}  // namespace vibework::mongodb
