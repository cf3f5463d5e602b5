#include "vibework/app/infrastructure.hpp"

#include "vibework/infra/mysql/database.hpp"

namespace vibework::app {

std::unique_ptr<Infrastructure> build_infrastructure(const infra::Config& config, infra::Runtime& runtime,
                                                     infra::Readiness& readiness) {
  auto infra = std::make_unique<Infrastructure>();
  // Start order matters: MySQL, MongoDB, Redis, Pub/Sub, auth. Each part adds its line here.
  infra->mysql = std::make_shared<mysql::Database>(config.mysql, &readiness);
  infra->lifecycle.add(infra->mysql);
  (void)config;
  (void)runtime;
  (void)readiness;
  return infra;
}

}  // namespace vibework::app
