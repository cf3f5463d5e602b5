#include "vibework/infra/lifecycle.hpp"

#include <spdlog/spdlog.h>

#include "vibework/infra/errors.hpp"
#include "vibework/infra/health.hpp"
#include "vibework/infra/timeout.hpp"

namespace vibework::infra {

awaitable<void> Lifecycle::start_all() {
  for (auto& component : components_) {
    const auto begin = std::chrono::steady_clock::now();
    std::exception_ptr failure;
    try {
      co_await component->start();
    } catch (...) {
      failure = std::current_exception();
    }
    if (failure) {
      spdlog::error("{} failed to start; stopping what already started", component->name());
      co_await stop_all(std::chrono::milliseconds(5'000));
      std::rethrow_exception(failure);
    }
    ++started_;
    readiness_.add(component->checks());
    spdlog::info("{} started in {} ms", component->name(),
                 std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - begin).count());
  }
}

awaitable<void> Lifecycle::stop_all(std::chrono::milliseconds per_component) {
  while (started_ > 0) {
    auto& component = components_[--started_];
    try {
      co_await with_timeout(component->stop(), per_component, std::string(component->name()), "stop");
      spdlog::info("{} stopped", component->name());
    } catch (const std::exception& e) {
      spdlog::error("{} did not stop cleanly: {}", component->name(), e.what());
    }
  }
}

awaitable<bool> first_contact(std::string service, awaitable<void> contact, std::string meanwhile) {
  std::string problem;
  try {
    co_await std::move(contact);
    co_return true;
  } catch (const UnreachableError& e) {
    problem = e.what();
  } catch (const TimeoutError& e) {
    problem = e.what();
  }
  spdlog::warn("{}: {}; starting anyway ({})", service, problem, meanwhile);
  co_return false;
}

}  // namespace vibework::infra
