#include "vibework/app/infrastructure.hpp"

namespace vibework::app {

std::unique_ptr<Infrastructure> build_infrastructure(const infra::Config& config, infra::Runtime& runtime,
                                                     infra::Readiness& readiness) {
  auto infra = std::make_unique<Infrastructure>();
  // Start order matters: MySQL, MongoDB, Redis, Pub/Sub, auth. Each part adds its line here.
  infra->redis = std::make_shared<infra::redis::Client>(config.redis, runtime, &readiness);
  infra->lifecycle.add(infra->redis);
  return infra;
}

}  // namespace vibework::app
