#include "vibework/infra/blocking_pool.hpp"

namespace vibework::infra {

BlockingPool::BlockingPool(std::size_t threads, std::string name)
    : threads_(threads == 0 ? 1 : threads), name_(std::move(name)), pool_(threads_) {}

BlockingPool::~BlockingPool() { join(); }

void BlockingPool::join() {
  if (joined_) return;
  joined_ = true;
  pool_.join();
}

}  // namespace vibework::infra
