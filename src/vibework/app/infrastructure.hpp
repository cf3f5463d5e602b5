#pragma once
// The one place that wires the layer: which components exist, in which start order, and how
// they find each other. Start: MySQL -> MongoDB -> Redis -> Pub/Sub -> mail -> auth -> outbox relay (HTTP comes last,
// started by `serve`). Stop: reverse.
#include <memory>

#include "vibework/app/app_config.hpp"
#include "vibework/infra/lifecycle.hpp"

namespace vibework::infra {
class Readiness;
class Runtime;
namespace metrics {
class Registry;
}
}  // namespace vibework::infra
namespace vibework::mysql {
class Database;
}
namespace vibework::mongodb {
class Database;
}
namespace vibework::redis {
class Client;
}
namespace vibework::pubsub {
class Client;
}
namespace vibework::mail {
class Mailer;
}
namespace vibework::auth {
class Auth;
}
namespace vibework::app::events {
class MysqlOutbox;
class OutboxRelay;
}
namespace vibework::app::notifications {
class NotificationOutbox;
}

namespace vibework::app {

struct Infrastructure {
  explicit Infrastructure(infra::Readiness& readiness);
  ~Infrastructure();
  // One member per part, in start order.
  std::shared_ptr<mysql::Database> mysql;      // users, sessions, accounts (schema::AuthSchema)
  std::shared_ptr<mongodb::Database> mongodb;  // notifications (models::Notification)
  std::shared_ptr<redis::Client> redis;        // cache, rate limits, pub/sub
  std::shared_ptr<pubsub::Client> pubsub;      // publisher(), subscribe(), rest()
  std::shared_ptr<mail::Mailer> mail;          // the outbox and its SMTP sender (Mailpit in development)
  std::shared_ptr<auth::Auth> auth;            // Better-Auth's routes, sessions, users (MySQL + Redis)
  std::shared_ptr<events::OutboxRelay> relay;  // the outboxes below -> Pub/Sub
  std::unique_ptr<notifications::NotificationOutbox> notification_outbox;  // notification.created (MongoDB)
  std::unique_ptr<events::MysqlOutbox> event_outbox;  // user.* (MySQL event_outbox, in the change's transaction)
  infra::Lifecycle lifecycle;
};

// Creates every component (no I/O yet) and adds them to the lifecycle in start order; the
// lifecycle registers their health checks with `readiness` as they start. Every component
// records its metrics in `metrics`, which must outlive the Infrastructure.
std::unique_ptr<Infrastructure> build_infrastructure(const AppConfig& config, infra::Runtime& runtime,
                                                     infra::Readiness& readiness, infra::metrics::Registry& metrics);

}  // namespace vibework::app
