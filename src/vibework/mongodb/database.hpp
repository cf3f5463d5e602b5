#pragma once
// Database: the MongoDB component. Owns the driver instance and one mongoc_client_pool_t for
// the database named in MONGODB_URI; runs every blocking driver call on the runtime's
// BlockingPool with a slot from its AsyncSemaphore; ensures declared indexes at start and offers
// the "mongodb" health check.
//
//   auto db = lifecycle.add(std::make_shared<mongodb::Database>(config.get<mongodb::Config>(), runtime));
//   db->declare<models::Notification>();    // its indexes are ensured by start()
//   co_await lifecycle.start_all();
//   models::Notification notifications(*db);
//   auto n = co_await notifications.create({.user_id = "user-123", .title = "Welcome"});
#include <atomic>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "vibework/infra/blocking_pool.hpp"
#include "vibework/infra/component.hpp"
#include "vibework/mongodb/config.hpp"
#include "vibework/infra/health.hpp"
#include "vibework/mongodb/collection.hpp"
#include "vibework/mongodb/driver_instance.hpp"
#include "vibework/mongodb/index_spec.hpp"
#include "vibework/infra/async/async_semaphore.hpp"
#include "vibework/infra/metrics/registry.hpp"
#include "vibework/infra/timeout.hpp"

namespace vibework::infra {
class Runtime;
}

typedef struct _mongoc_client_t mongoc_client_t;
typedef struct _mongoc_client_pool_t mongoc_client_pool_t;

namespace vibework::mongodb {

class Database final : public infra::Component {
 public:
  // No I/O until start(). Blocking driver calls run on runtime.blocking().
  Database(Config config, infra::Runtime& runtime);
  ~Database() override;
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  std::string_view name() const override { return "mongodb"; }
  // Creates the pool, pings the server and ensures the declared indexes. A server that cannot be
  // reached yet does not fail the start (the first health check that reaches it ensures the
  // indexes); an index conflict or a rejected login does.
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

  // A `ping` round trip (and the declared indexes, if start() could not ensure them); throws
  // when it fails.
  awaitable<void> ping();
  // ping() with its latency, bounded by `timeout`: the original's checkMongoDBHealth. Never throws.
  awaitable<infra::HealthStatus> check_health(std::chrono::milliseconds timeout = infra::default_health_timeout);
  std::vector<infra::HealthCheck> checks() override;

  Collection collection(std::string name);

  // mongodb_pool_slots{state}, mongodb_pool_waiters, mongodb_operation_duration_seconds{operation}
  // and mongodb_operation_errors_total{operation} in `registry` (which must outlive the
  // database). Call before start().
  void attach_metrics(infra::metrics::Registry& registry);

  const Config& config() const noexcept { return config_; }
  const std::string& database_name() const noexcept { return config_.database; }
  const std::string& address() const noexcept { return config_.address; }
  bool started() const noexcept { return pool_.load() != nullptr; }

  // Runs fn(mongoc_client_t*) on the BlockingPool with a pooled client: the raw driver escape
  // hatch. fn must not keep the client. Waits at most the acquire timeout for a slot
  // (PoolExhaustedError), then at most config().operation_deadline() for the call
  // (TimeoutError naming `what`).
  template <typename F>
  auto run(std::string what, F fn) -> awaitable<std::invoke_result_t<F&, mongoc_client_t*>> {
    if (!metrics_) co_return co_await run_untimed(std::move(what), std::move(fn));
    const auto started = infra::metrics::now_ticks();
    // `what` starts with the operation ("find on collection 'x'"): its label.
    const auto operation = operation_index(what);
    std::exception_ptr failure;
    using Result = std::invoke_result_t<F&, mongoc_client_t*>;
    if constexpr (std::is_void_v<Result>) {
      try {
        co_await run_untimed(std::move(what), std::move(fn));
      } catch (...) {
        failure = std::current_exception();
      }
      record_operation(operation, started, failure != nullptr);
      if (failure) std::rethrow_exception(failure);
    } else {
      std::optional<Result> result;
      try {
        result.emplace(co_await run_untimed(std::move(what), std::move(fn)));
      } catch (...) {
        failure = std::current_exception();
      }
      record_operation(operation, started, failure != nullptr);
      if (failure) std::rethrow_exception(failure);
      co_return std::move(*result);
    }
  }

  // run() for an update (update, findAndModify): one at a time in this process when
  // serializing_updates() (see Config::serialize_updates), else run() itself.
  template <typename F>
  auto run_update(std::string what, F fn) -> awaitable<std::invoke_result_t<F&, mongoc_client_t*>> {
    infra::AsyncSemaphore::Permit turn;
    if (serializing_updates()) turn = co_await update_gate_.acquire(config_.acquire_timeout);
    co_return co_await run(std::move(what), std::move(fn));
  }
  // Whether updates are serialized: MONGODB_SERIALIZE_UPDATES, or for `auto` whether the server
  // has said it is FerretDB (known after the first successful ping).
  bool serializing_updates() const noexcept { return serialize_updates_.load(std::memory_order_relaxed); }

 private:
  template <typename F>
  auto run_untimed(std::string what, F fn) -> awaitable<std::invoke_result_t<F&, mongoc_client_t*>> {
    auto slot = co_await limiter_.acquire(config_.acquire_timeout);
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
    co_return co_await infra::with_timeout(std::move(call), config_.operation_deadline(), "mongodb", std::move(what));
  }
  struct Metrics;
  static std::size_t operation_index(std::string_view what) noexcept;
  void record_operation(std::size_t operation, long long started, bool failed) const noexcept;

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
  bool is_ferretdb(mongoc_client_t* client) const;  // buildInfo, on a worker thread

  DriverInstance driver_;  // first: destroyed after the pool
  Config config_;
  infra::BlockingPool& blocking_;
  infra::AsyncSemaphore limiter_;  // maxPoolSize slots: see docs/mongodb.md
  std::atomic<mongoc_client_pool_t*> pool_{nullptr};  // owned; created by start(), destroyed by stop()
  std::mutex declared_mutex_;
  std::vector<CollectionIndexes> declared_;
  std::atomic<bool> indexes_ensured_{false};
  std::atomic<bool> serialize_updates_{false};
  infra::AsyncSemaphore update_gate_;  // one permit: the update in progress when serializing
  std::unique_ptr<Metrics> metrics_;  // attach_metrics()
};

}  // namespace vibework::mongodb
