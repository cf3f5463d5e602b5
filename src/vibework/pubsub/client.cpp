#include "vibework/pubsub/client.hpp"

#include <spdlog/spdlog.h>

#include "vibework/infra/errors.hpp"
#include "vibework/infra/lifecycle.hpp"
#include "vibework/infra/runtime.hpp"

namespace vibework::pubsub {

Client::Client(const Config& config, infra::Runtime& runtime)
    : config_(config),
      runtime_(runtime),
      rest_(std::make_unique<RestClient>(config)),
      publisher_(std::make_unique<Publisher>(*rest_, PublisherOptions::from(config))) {}

Client::~Client() = default;

void Client::declare(Resources resources) { resources_ = std::move(resources); }

awaitable<void> Client::probe() {
  if (resources_.topics.empty()) {
    // Nothing declared: any answer from the server will do.
    CallOptions once;
    once.retry = false;
    co_await rest_->call("GET", "projects/" + config_.project_id + "/topics?pageSize=1", "", once);
    co_return;
  }
  co_await require_topic(*rest_, resources_.topics.front());
}

awaitable<void> Client::first_contact() {
  // One quick round trip first, so an unreachable server is noticed at once instead of after
  // the whole retry budget.
  CallOptions once;
  once.retry = false;
  co_await rest_->call("GET", "projects/" + config_.project_id + "/topics?pageSize=1", "", once);
  if (rest_->uses_emulator()) {
    auto lines = co_await ensure_resources(*rest_, resources_);
    spdlog::info("pubsub: {} topics and subscriptions ready on the emulator at {}", lines.size(),
                 config_.emulator->to_string());
  } else {
    auto health = co_await check_health();
    if (!health.is_ok()) {
      spdlog::warn("pubsub: not ready at {}: {}; starting anyway (run `vibework pubsub setup` once per project)",
                   rest_->address(), health.message);
    }
  }
}

awaitable<void> Client::start() {
  // With the emulator, the client re-creates the declared resources on the first NOT_FOUND, so
  // an emulator that comes up (or restarts) after us gets them too.
  if (rest_->uses_emulator()) remember_resources(*rest_, resources_);
  co_await infra::first_contact("pubsub", first_contact(),
                                rest_->uses_emulator() ? "readiness reports it; scripts/services start starts the emulator"
                                                       : "readiness reports it; check the network and credentials");
}

awaitable<void> Client::stop() {
  std::vector<std::shared_ptr<Subscriber>> subscribers;
  {
    std::lock_guard lock(mutex_);
    subscribers.swap(subscribers_);
  }
  for (auto it = subscribers.rbegin(); it != subscribers.rend(); ++it) co_await (*it)->stop();
  try {
    co_await publisher_->flush();
  } catch (const std::exception& e) {
    spdlog::error("pubsub: flushing the publisher failed: {}", e.what());
  }
}

awaitable<infra::HealthStatus> Client::check_health(std::chrono::milliseconds timeout) {
  return infra::run_check([this] { return probe(); }, timeout, "pubsub");
}

std::vector<infra::HealthCheck> Client::checks() {
  return {{"pubsub", config_.address(), [this] { return probe(); },
           rest_->uses_emulator() ? "start the emulator: scripts/services start"
                                  : "check credentials and run `vibework pubsub setup`"}};
}

void Client::attach_metrics(infra::metrics::Registry& registry) {
  metrics_ = &registry;
  rest_->attach_metrics(registry);
  publisher_->attach_metrics(registry);
}

std::shared_ptr<Subscriber> Client::subscribe(std::string subscription, MessageHandler handler,
                                              std::optional<SubscriberOptions> options) {
  auto subscriber = std::make_shared<Subscriber>(*rest_, std::move(subscription), std::move(handler),
                                                 options.value_or(SubscriberOptions::from(config_)),
                                                 runtime_.next_io_context().get_executor());
  if (metrics_) {
    int dead_letter_after = 0;
    for (const auto& spec : resources_.subscriptions) {
      if (spec.name == subscriber->subscription() && spec.options.dead_letter_policy) {
        dead_letter_after = spec.options.dead_letter_policy->max_delivery_attempts;
      }
    }
    subscriber->attach_metrics(*metrics_, dead_letter_after);
  }
  subscriber->start();
  std::lock_guard lock(mutex_);
  subscribers_.push_back(subscriber);
  return subscriber;
}

}  // namespace vibework::pubsub
