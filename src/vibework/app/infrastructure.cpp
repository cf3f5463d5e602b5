#include "vibework/app/infrastructure.hpp"

#include "vibework/app/events/mysql_outbox.hpp"
#include "vibework/app/events/outbox_relay.hpp"
#include "vibework/app/events/user_events.hpp"
#include "vibework/app/notifications/notification_outbox.hpp"
#include "vibework/app/pubsub_resources.hpp"
#include "vibework/auth/auth.hpp"
#include "vibework/mail/mailer.hpp"
#include "vibework/mongodb/database.hpp"
#include "vibework/models/notification.hpp"
#include "vibework/mysql/database.hpp"
#include "vibework/pubsub/client.hpp"
#include "vibework/redis/client.hpp"
#include "vibework/infra/runtime.hpp"

namespace vibework::app {

Infrastructure::Infrastructure(infra::Readiness& readiness) : lifecycle(readiness) {}
Infrastructure::~Infrastructure() = default;

std::unique_ptr<Infrastructure> build_infrastructure(const AppConfig& config, infra::Runtime& runtime,
                                                     infra::Readiness& readiness, infra::metrics::Registry& metrics) {
  auto infra = std::make_unique<Infrastructure>(readiness);
  auto& lifecycle = infra->lifecycle;
  // Start order matters: MySQL, MongoDB, Redis, Pub/Sub, mail, auth, relay.
  infra->mysql = lifecycle.add(std::make_shared<mysql::Database>(config.get<mysql::Config>()));
  infra->mysql->attach_metrics(metrics);
  infra->mongodb = lifecycle.add(std::make_shared<mongodb::Database>(config.get<mongodb::Config>(), runtime));
  infra->mongodb->declare<models::Notification>();  // its indexes are ensured at start
  infra->mongodb->attach_metrics(metrics);
  infra->redis = lifecycle.add(std::make_shared<redis::Client>(config.get<redis::Config>(), runtime));
  infra->redis->attach_metrics(metrics);
  infra->pubsub = lifecycle.add(std::make_shared<pubsub::Client>(config.get<pubsub::Config>(), runtime));
  infra->pubsub->declare(pubsub_resources(config.get<pubsub::Config>()));
  infra->pubsub->attach_metrics(metrics);
  infra->mail = lifecycle.add(std::make_shared<mail::Mailer>(config.get<mail::Config>(), *infra->mysql, runtime));
  infra->mail->attach_metrics(metrics);
  infra->auth = lifecycle.add(std::make_shared<auth::Auth>(config.get<auth::Config>(), config.production(), *infra->mysql,
                                                           infra->redis.get(), infra->mail.get()));
  infra->auth->attach_metrics(metrics);
  // After Pub/Sub, so it stops first: its last pass still has a publisher to flush into.
  infra->relay = lifecycle.add(std::make_shared<events::OutboxRelay>(events::publish_with(infra->pubsub->publisher()),
                                                                     runtime.next_io_context().get_executor()));
  infra->notification_outbox = std::make_unique<notifications::NotificationOutbox>(*infra->mongodb);
  infra->relay->add_store(*infra->notification_outbox);
  infra->event_outbox = std::make_unique<events::MysqlOutbox>(*infra->mysql);
  infra->relay->add_store(*infra->event_outbox);
  infra->relay->attach_metrics(metrics);  // after its stores
  // sign-up, profile and email changes, deletion: a user.* row in the same transaction.
  infra->auth->on_user_event(events::user_event_recorder([relay = infra->relay] { relay->wake(); }));
  return infra;
}

}  // namespace vibework::app
