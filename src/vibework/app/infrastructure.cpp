#include "vibework/app/infrastructure.hpp"

#include "vibework/infra/pubsub/pubsub.hpp"

namespace vibework::app {

std::unique_ptr<Infrastructure> build_infrastructure(const infra::Config& config, infra::Runtime& runtime,
                                                     infra::Readiness& readiness) {
  auto infra = std::make_unique<Infrastructure>();
  // Start order matters: MySQL, MongoDB, Redis, Pub/Sub, auth. Each part adds its line here.
  infra->pubsub = std::make_shared<pubsub::PubsubComponent>(config, runtime, readiness);
  infra->lifecycle.add(infra->pubsub);
  (void)config;
  (void)runtime;
  (void)readiness;
  return infra;
}

}  // namespace vibework::app
