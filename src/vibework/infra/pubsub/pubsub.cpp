#include "vibework/infra/pubsub/pubsub.hpp"

#include <spdlog/spdlog.h>

#include "vibework/infra/errors.hpp"
#include "vibework/infra/health.hpp"
#include "vibework/infra/runtime.hpp"
#include "vibework/infra/pubsub/setup.hpp"

namespace vibework::pubsub {

PubsubComponent::PubsubComponent(const infra::Config& config, infra::Runtime& runtime, infra::Readiness& readiness)
    : config_(config.pubsub),
      runtime_(runtime),
      readiness_(readiness),
      client_(std::make_unique<Client>(config.pubsub)),
      publisher_(std::make_unique<Publisher>(*client_, PublisherOptions::from(config.pubsub))) {}

PubsubComponent::~PubsubComponent() = default;

awaitable<void> PubsubComponent::start() {
  Client* client = client_.get();
  readiness_.add({"pubsub", config_.address(), [client]() { return check_pubsub_health(*client); },
                  client_->uses_emulator() ? "start the emulator: scripts/services start"
                                           : "check credentials and run `vibework pubsub setup`"});
  // Pub/Sub that cannot be reached (yet) does not fail the start: readiness reports it, and
  // with the emulator the client re-creates topics and subscriptions when a call answers
  // NOT_FOUND. One quick round trip first, so an unreachable server is noticed at once
  // instead of after the whole retry budget.
  if (client_->uses_emulator()) remember_resources(*client_, app_resources(config_));
  std::string problem;
  try {
    CallOptions once;
    once.retry = false;
    co_await client_->call("GET", "projects/" + config_.project_id + "/topics?pageSize=1", "", once);
    if (client_->uses_emulator()) {
      auto lines = co_await ensure_resources(*client_, app_resources(config_));
      spdlog::info("pubsub: {} topics and subscriptions ready on the emulator at {}", lines.size(),
                   config_.emulator->to_string());
    } else {
      auto health = co_await check_pubsub_health(*client_);
      if (!health.is_ok()) problem = "not ready at " + client_->address() + ": " + health.message;
    }
  } catch (const infra::Error& e) {
    if (e.kind() != infra::ErrorKind::unavailable && e.kind() != infra::ErrorKind::timeout) throw;
    problem = e.what();
  }
  if (!problem.empty()) {
    spdlog::warn("pubsub: {}; starting anyway (readiness reports it; {})", problem,
                 client_->uses_emulator() ? "scripts/services start starts the emulator"
                                          : "run `vibework pubsub setup` once per project");
  }
}

awaitable<void> PubsubComponent::stop() {
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

std::shared_ptr<Subscriber> PubsubComponent::subscribe(std::string subscription, MessageHandler handler,
                                                       std::optional<SubscriberOptions> options) {
  auto subscriber = std::make_shared<Subscriber>(*client_, std::move(subscription), std::move(handler),
                                                 options.value_or(SubscriberOptions::from(config_)),
                                                 runtime_.next_io_context().get_executor());
  subscriber->start();
  std::lock_guard lock(mutex_);
  subscribers_.push_back(subscriber);
  return subscriber;
}

}  // namespace vibework::pubsub
