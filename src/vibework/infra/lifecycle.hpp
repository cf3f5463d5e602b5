#pragma once
// Lifecycle: starts components in order, registers their health checks with readiness, and
// stops them in reverse order.
//
//   infra::Lifecycle lifecycle(readiness);
//   auto db = lifecycle.add(std::make_shared<mysql::Database>(config.get<mysql::Config>(), runtime));
//   co_await lifecycle.start_all();   // ... serve ...   co_await lifecycle.stop_all(10s);
#include <chrono>
#include <memory>
#include <string_view>
#include <vector>

#include "vibework/infra/asio.hpp"
#include "vibework/infra/component.hpp"

namespace vibework::infra {

class Readiness;

class Lifecycle {
 public:
  explicit Lifecycle(Readiness& readiness) : readiness_(readiness) {}

  // Appends to the start order; returns the component for the caller to keep.
  template <typename C>
  std::shared_ptr<C> add(std::shared_ptr<C> component) {
    components_.push_back(component);
    return component;
  }

  // Starts each component in order and registers its checks with readiness. If one fails, the
  // ones already started are stopped in reverse order and the error is rethrown.
  awaitable<void> start_all();

  // Stops the started components in reverse order; each stop is bounded by `per_component`.
  // Errors are logged, never thrown: shutdown always runs to the end.
  awaitable<void> stop_all(std::chrono::milliseconds per_component);

 private:
  Readiness& readiness_;
  std::vector<std::shared_ptr<Component>> components_;
  std::size_t started_ = 0;
};

// The start-while-down policy, in one place. Runs `contact`, a component's first round trip at
// start. When the service cannot be reached (UnreachableError) or does not answer in time
// (TimeoutError) it logs one warning naming the service, the error and what happens
// `meanwhile`, and returns false: the component starts anyway. Any other error propagates and
// fails the start. Returns true when the contact succeeded.
awaitable<bool> first_contact(std::string service, awaitable<void> contact, std::string meanwhile);

}  // namespace vibework::infra
