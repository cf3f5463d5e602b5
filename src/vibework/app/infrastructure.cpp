#include "vibework/app/infrastructure.hpp"

#include "vibework/app/pubsub_resources.hpp"
#include "vibework/auth/auth.hpp"
#include "vibework/mail/mailer.hpp"
#include "vibework/mongodb/database.hpp"
#include "vibework/models/notification.hpp"
#include "vibework/mysql/database.hpp"
#include "vibework/pubsub/client.hpp"
#include "vibework/redis/client.hpp"

namespace vibework::app {

std::unique_ptr<Infrastructure> build_infrastructure(const AppConfig& config, infra::Runtime& runtime,
                                                     infra::Readiness& readiness) {
  auto infra = std::make_unique<Infrastructure>(readiness);
  auto& lifecycle = infra->lifecycle;
  // Start order matters: MySQL, MongoDB, Redis, Pub/Sub, mail, auth.
  infra->mysql = lifecycle.add(std::make_shared<mysql::Database>(config.get<mysql::Config>()));
  infra->mongodb = lifecycle.add(std::make_shared<mongodb::Database>(config.get<mongodb::Config>(), runtime));
  infra->mongodb->declare<models::Notification>();  // its indexes are ensured at start
  infra->redis = lifecycle.add(std::make_shared<redis::Client>(config.get<redis::Config>(), runtime));
  infra->pubsub = lifecycle.add(std::make_shared<pubsub::Client>(config.get<pubsub::Config>(), runtime));
  infra->pubsub->declare(pubsub_resources(config.get<pubsub::Config>()));
  infra->mail = lifecycle.add(std::make_shared<mail::Mailer>(config.get<mail::Config>(), *infra->mysql, runtime));
  infra->auth = lifecycle.add(std::make_shared<auth::Auth>(config.get<auth::Config>(), config.production(), *infra->mysql,
                                                           infra->redis.get(), infra->mail.get()));
  return infra;
}

}  // namespace vibework::app
