#include "vibework/infra/blocking_pool.hpp"

#include <pthread.h>
#include <sched.h>
#include <sys/resource.h>
#include <unistd.h>

namespace vibework::infra {

namespace detail {
void lower_this_thread_priority_once() {
  thread_local bool lowered = false;
  if (lowered) return;
  lowered = true;
  // Best effort: without the permission (or on another kernel) the work runs at normal priority.
  sched_param param{};
  (void)pthread_setschedparam(pthread_self(), SCHED_BATCH, &param);
  (void)setpriority(PRIO_PROCESS, static_cast<id_t>(gettid()), 19);  // Linux: per thread
}
}  // namespace detail

BlockingPool::BlockingPool(std::size_t threads, std::string name, ThreadPriority priority)
    : threads_(threads == 0 ? 1 : threads), name_(std::move(name)), priority_(priority), pool_(threads_) {}

BlockingPool::~BlockingPool() { join(); }

void BlockingPool::join() {
  if (joined_) return;
  joined_ = true;
  pool_.join();
}

}  // namespace vibework::infra
