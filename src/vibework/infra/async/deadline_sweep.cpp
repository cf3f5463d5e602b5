#include "vibework/infra/async/deadline_sweep.hpp"

#include <algorithm>

namespace vibework::infra {

DeadlineSweep::DeadlineSweep(asio::execution_context& context) : service(context) {}

// shutdown() ran first (Asio shuts every service down before destroying any): the timer and
// the entries are already gone.
DeadlineSweep::~DeadlineSweep() = default;

DeadlineSweep& DeadlineSweep::of(const asio::any_io_executor& ex) {
  auto& sweep = asio::use_service<DeadlineSweep>(asio::query(ex, asio::execution::context));
  std::lock_guard lock(sweep.setup_);
  if (!sweep.timer_ && !sweep.stopped_) sweep.timer_.emplace(ex);
  return sweep;
}

void DeadlineSweep::schedule(Entry& e, Clock::time_point deadline) {
  if (!timer_) return;  // the io_context is shutting down: nothing will run any more
  if (e.sweep_ != this) {
    if (e.sweep_) e.sweep_->cancel(e);  // moved to another io_context
    link(scheduled_, e);
    e.sweep_ = this;
  } else if (e.firing_) {
    unlink(e);  // rescheduled by an action before its own turn came: it does not fire now
    link(scheduled_, e);
  }
  e.due_ = deadline;
  const auto at = latest(e);
  // During a sweep the timer is re-armed once at its end, for everything scheduled by then.
  if (at == Clock::time_point::max() || sweeping_) return;
  if (!armed_ || at < armed_at_) arm(at);
}

void DeadlineSweep::cancel(Entry& e) noexcept {
  if (e.sweep_ != this) return;
  unlink(e);
  e.sweep_ = nullptr;
  if (!scheduled_ && armed_ && !sweeping_) {
    // Nothing left to bound: release the io_context (a pending timer would keep run() going).
    armed_ = false;
    ++generation_;
    timer_->cancel();
  }
}

void DeadlineSweep::arm(Clock::time_point at) {
  armed_ = true;
  armed_at_ = at;
  timer_->expires_at(at);  // a wait still pending ends with operation_aborted
  timer_->async_wait([this, generation = ++generation_](boost::system::error_code ec) {
    if (!ec && generation == generation_) sweep();
  });
}

// Fires what is due, then re-arms for the earliest of the rest. Due entries move to firing_
// first: an action may schedule, cancel or destroy any entry, itself included.
void DeadlineSweep::sweep() {
  armed_ = false;
  sweeping_ = true;
  struct Finish {
    DeadlineSweep& sweep;
    ~Finish() {
      sweep.sweeping_ = false;
      sweep.rearm();
    }
  } finish{*this};

  const auto now = Clock::now();
  for (Entry* e = scheduled_; e != nullptr;) {
    Entry* next = e->next_;
    if (e->due_ <= now) {
      unlink(*e);
      link(firing_, *e);
      e->firing_ = true;
    }
    e = next;
  }
  while (Entry* e = firing_) {
    unlink(*e);
    e->sweep_ = nullptr;
    e->on_deadline();
  }
}

void DeadlineSweep::rearm() {
  if (!timer_) return;
  auto next = Clock::time_point::max();
  for (const Entry* e = scheduled_; e != nullptr; e = e->next_) next = std::min(next, latest(*e));
  if (next != Clock::time_point::max()) arm(next);
}

// The io_context is going away (newest services first, so the timer's service still exists):
// drop the timer and detach the entries, whose owners may outlive the io_context.
void DeadlineSweep::shutdown() {
  std::lock_guard lock(setup_);
  stopped_ = true;
  for (Entry* head : {scheduled_, firing_}) {
    for (Entry* e = head; e != nullptr;) {
      Entry* next = e->next_;
      e->sweep_ = nullptr;
      e->prev_ = e->next_ = nullptr;
      e->firing_ = false;
      e = next;
    }
  }
  scheduled_ = firing_ = nullptr;
  armed_ = false;
  timer_.reset();
}

void DeadlineSweep::link(Entry*& head, Entry& e) noexcept {
  e.prev_ = nullptr;
  e.next_ = head;
  if (head) head->prev_ = &e;
  head = &e;
}

void DeadlineSweep::unlink(Entry& e) noexcept {
  Entry*& head = e.firing_ ? firing_ : scheduled_;
  if (e.prev_) e.prev_->next_ = e.next_;
  else head = e.next_;
  if (e.next_) e.next_->prev_ = e.prev_;
  e.prev_ = e.next_ = nullptr;
  e.firing_ = false;
}

DeadlineSweep::Clock::time_point DeadlineSweep::latest(const Entry& e) noexcept {
  if (e.due_ >= Clock::time_point::max() - e.slack_) return Clock::time_point::max();
  return e.due_ + e.slack_;
}

}  // namespace vibework::infra
