#include "vibework/app/infrastructure.hpp"

#include "vibework/infra/mongodb/database.hpp"
#include "vibework/infra/mysql/database.hpp"
#include "vibework/infra/pubsub/pubsub.hpp"
#include "vibework/models/notification.hpp"

namespace vibework::app {

std::unique_ptr<Infrastructure> build_infrastructure(const infra::Config& config, infra::Runtime& runtime,
                                                     infra::Readiness& readiness) {
  auto infra = std::make_unique<Infrastructure>();
  // Start order matters: MySQL, MongoDB, Redis, Pub/Sub, auth.
  infra->mysql = std::make_shared<mysql::Database>(config.mysql, &readiness);
  infra->lifecycle.add(infra->mysql);
  infra->mongodb = std::make_shared<infra::mongodb::Database>(config.mongodb, runtime.blocking(), &readiness);
  infra->mongodb->declare<models::Notification>();  // its indexes are ensured at start
  infra->lifecycle.add(infra->mongodb);
  infra->redis = std::make_shared<infra::redis::Client>(config.redis, runtime, &readiness);
  infra->lifecycle.add(infra->redis);
  infra->pubsub = std::make_shared<pubsub::PubsubComponent>(config, runtime, readiness);
  infra->lifecycle.add(infra->pubsub);
  return infra;
}

}  // namespace vibework::app
