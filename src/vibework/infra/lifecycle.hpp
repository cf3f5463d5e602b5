#pragma once
// Lifecycle: starts components in order and stops them in reverse order.
#include <chrono>
#include <memory>
#include <vector>

#include "vibework/infra/asio.hpp"
#include "vibework/infra/component.hpp"

namespace vibework::infra {

class Lifecycle {
 public:
  // Appends to the start order.
  void add(std::shared_ptr<Component> component);

  // Starts each component in order. If one fails, the ones already started are stopped in
  // reverse order and the error is rethrown.
  awaitable<void> start_all();

  // Stops the started components in reverse order; each stop is bounded by `per_component`.
  // Errors are logged, never thrown: shutdown always runs to the end.
  awaitable<void> stop_all(std::chrono::milliseconds per_component);

  std::size_t started_count() const noexcept { return started_; }

 private:
  std::vector<std::shared_ptr<Component>> components_;
  std::size_t started_ = 0;
};

}  // namespace vibework::infra
