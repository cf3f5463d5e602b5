#pragma once
// Database: the MongoDB component. Owns the driver instance and one mongoc_client_pool_t for
// the database named in MONGODB_URI; runs every blocking driver call on the BlockingPool with a
// slot from its SlotLimiter; ensures declared indexes and registers the health check at start.
//
//   auto db = std::make_shared<mongodb::Database>(config.mongodb, runtime.blocking(), &readiness);
//   db->declare<models::Notification>();    // its indexes are ensured by start()
//   co_await db->start();
//   models::Notification notifications(*db);
//   auto n = co_await notifications.create({.user_id = "user-123", .title = "Welcome"});
#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <type_traits>
#include <vector>

#include "vibework/infra/blocking_pool.hpp"
#include "vibework/infra/component.hpp"
#include "vibework/infra/config/mongodb_config.hpp"
#include "vibework/infra/health.hpp"
#include "vibework/infra/mongodb/collection.hpp"
#include "vibework/infra/mongodb/driver_instance.hpp"
#include "vibework/infra/mongodb/index_spec.hpp"
#include "vibework/infra/mongodb/slot_limiter.hpp"
#include "vibework/infra/timeout.hpp"

typedef struct _mongoc_client_t mongoc_client_t;
typedef struct _mongoc_client_pool_t mongoc_client_pool_t;

namespace vibework::infra::mongodb {

class Database final : public Component {
 public:
  // `readiness` may be null (tools and tests that do not serve HTTP).
  Database(MongodbConfig config, BlockingPool& blocking, Readiness* readiness = nullptr);
  ~Database() override;
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  std::string_view name() const override { return "mongodb"; }
  // Creates the pool, pings the server (UnavailableError naming the address if it cannot),
  // ensures declared indexes, registers the "mongodb" readiness check.
  awaitable<void> start() override;
  // Refuses new operations, waits for in-flight ones, then destroys the pool.
  awaitable<void> stop() override;

  // Indexes to ensure at start. Call before start(); later calls are ensured at the next
  // ensure_indexes().
  void declare_indexes(std::string collection, std::vector<IndexSpec> indexes);
  template <typename Model>
  void declare() {
    declare_indexes(std::string(Model::collection_name), Model::indexes());
  }
  // createIndexes for every declared index; idempotent. An index that exists with other
  // options is a ConflictError naming the collection and the index.
  awaitable<void> ensure_indexes();

  // A `ping` round trip, with its latency. Never throws.
  awaitable<HealthStatus> check_mongodb_health();

  Collection collection(std::string name);

  const MongodbConfig& config() const noexcept { return config_; }
  const std::string& database_name() const noexcept { return config_.database; }
  const std::string& address() const noexcept { return config_.address; }
  bool started() const noexcept { return pool_.load() != nullptr; }

  // Runs fn(mongoc_client_t*) on the BlockingPool with a pooled client: the raw driver escape
  // hatch. fn must not keep the client. Waits at most the acquire timeout for a slot
  // (PoolExhaustedError), then at most config().operation_deadline() for the call
  // (TimeoutError naming `what`).
  template <typename F>
  auto run(std::string what, F fn) -> awaitable<std::invoke_result_t<F&, mongoc_client_t*>> {
    auto slot = co_await limiter_.acquire(config_.acquire_timeout, config_.address);
    // Read under the slot: stop() destroys the pool only after every slot is back.
    mongoc_client_pool_t* pool = pool_.load(std::memory_order_acquire);
    if (pool == nullptr) throw_not_started();
    // Named, not a temporary inside the co_await: GCC 12 copies a lambda temporary with
    // captures bitwise there and destroys both copies (the slot would be given back twice).
    auto job = [pool, fn = std::move(fn), slot = std::move(slot)]() mutable {
      ClientLease lease(pool);
      return fn(lease.client);
    };
    auto call = blocking_.run(std::move(job));
    co_return co_await with_timeout(std::move(call), config_.operation_deadline(), "mongodb", std::move(what));
  }

 private:
  // One pooled client for the duration of a call.
  struct ClientLease {
    explicit ClientLease(mongoc_client_pool_t* pool);
    ~ClientLease();
    ClientLease(const ClientLease&) = delete;
    ClientLease& operator=(const ClientLease&) = delete;
    mongoc_client_pool_t* pool;
    mongoc_client_t* client;
  };
  [[noreturn]] void throw_not_started() const;
  void send_ping(mongoc_client_t* client) const;  // on a worker thread

  DriverInstance driver_;  // first: destroyed after the pool
  MongodbConfig config_;
  BlockingPool& blocking_;
  Readiness* readiness_;
  SlotLimiter limiter_;
  std::atomic<mongoc_client_pool_t*> pool_{nullptr};  // owned; created by start(), destroyed by stop()
  std::mutex declared_mutex_;
  std::vector<CollectionIndexes> declared_;
  bool health_registered_ = false;
  std::atomic<bool> indexes_ensured_{false};
};

}  // namespace vibework::infra::mongodb
