#pragma once
// The one place that wires the layer: which components exist, in which start order, and how
// they find each other. Start: MySQL -> MongoDB -> Redis -> Pub/Sub -> auth (HTTP comes last,
// started by `serve`). Stop: reverse.
#include <memory>

#include "vibework/infra/config.hpp"
#include "vibework/infra/health.hpp"
#include "vibework/infra/lifecycle.hpp"
#include "vibework/infra/redis/client.hpp"
#include "vibework/infra/runtime.hpp"

namespace vibework::mysql {
class Database;
}
namespace vibework::infra::mongodb {
class Database;
}
namespace vibework::pubsub {
class PubsubComponent;
}

namespace vibework::app {

struct Infrastructure {
  // One member per part, in start order.
  std::shared_ptr<mysql::Database> mysql;             // users, sessions, accounts (schema::AuthSchema)
  std::shared_ptr<infra::mongodb::Database> mongodb;  // notifications (models::Notification)
  std::shared_ptr<infra::redis::Client> redis;        // cache, rate limits, pub/sub
  std::shared_ptr<pubsub::PubsubComponent> pubsub;    // publisher(), subscribe(), client()
  infra::Lifecycle lifecycle;
};

// Creates every component (no I/O yet) and registers them with the lifecycle in start order.
std::unique_ptr<Infrastructure> build_infrastructure(const infra::Config& config, infra::Runtime& runtime,
                                                     infra::Readiness& readiness);

}  // namespace vibework::app
