#include "vibework/mongodb/database.hpp"
#include "vibework/mongodb/detail/metrics.hpp"

#include <thread>

#include <mongoc/mongoc.h>
#include <spdlog/spdlog.h>

#include "vibework/infra/errors.hpp"
#include "vibework/infra/lifecycle.hpp"
#include "vibework/infra/runtime.hpp"
#include "vibework/mongodb/detail/driver_error.hpp"

namespace vibework::mongodb {

namespace {
struct UriDeleter {
  void operator()(mongoc_uri_t* uri) const { mongoc_uri_destroy(uri); }
};

// Options the URI leaves out come from the config, so MONGODB_* variables and the URI agree.
void fill_int_option(mongoc_uri_t* uri, const char* option, std::int64_t value) {
  if (!mongoc_uri_has_option(uri, option)) mongoc_uri_set_option_as_int32(uri, option, static_cast<int32_t>(value));
}

std::unique_ptr<mongoc_uri_t, UriDeleter> make_uri(const mongodb::Config& config) {
  bson_error_t error;
  std::unique_ptr<mongoc_uri_t, UriDeleter> uri(mongoc_uri_new_with_error(config.uri.c_str(), &error));
  if (!uri) {
    throw infra::ConfigError("mongodb", std::string("MONGODB_URI is not a valid MongoDB URI: ") + error.message,
                      "example: mongodb://localhost:27017/vibework");
  }
  fill_int_option(uri.get(), MONGOC_URI_MAXPOOLSIZE, config.pool_size);
  fill_int_option(uri.get(), MONGOC_URI_SERVERSELECTIONTIMEOUTMS, config.server_selection_timeout.count());
  fill_int_option(uri.get(), MONGOC_URI_CONNECTTIMEOUTMS, config.connect_timeout.count());
  fill_int_option(uri.get(), MONGOC_URI_SOCKETTIMEOUTMS, config.socket_timeout.count());
  fill_int_option(uri.get(), MONGOC_URI_WAITQUEUETIMEOUTMS, config.acquire_timeout.count());
  if (mongoc_uri_get_appname(uri.get()) == nullptr) mongoc_uri_set_appname(uri.get(), config.app_name.c_str());
  return uri;
}
}  // namespace

Database::ClientLease::ClientLease(mongoc_client_pool_t* p) : pool(p), client(mongoc_client_pool_pop(p)) {}
Database::ClientLease::~ClientLease() { mongoc_client_pool_push(pool, client); }

Database::Database(Config config, infra::Runtime& runtime)
    : config_(std::move(config)),
      blocking_(runtime.blocking()),
      limiter_(config_.pool_size,
               {"mongodb", "a connection to " + config_.address,
                "raise MONGODB_POOL_SIZE (or maxPoolSize in MONGODB_URI), or look for slow queries",
                "the MongoDB client for " + config_.address + " is shut down",
                "the service is stopping; retry on another instance"}),
      update_gate_(1, {"mongodb", "the turn to update (updates run one at a time: MONGODB_SERIALIZE_UPDATES)",
                       "updates are queuing: set MONGODB_SERIALIZE_UPDATES=false on MongoDB, or look for slow updates",
                       "the MongoDB client for " + config_.address + " is shut down",
                       "the service is stopping; retry on another instance"}) {
  serialize_updates_.store(config_.serialize_updates == Config::SerializeUpdates::on);
}

Database::~Database() {
  // stop() is the graceful path; this only guards against a component dropped while calls
  // still run (they end within the driver's socket timeout).
  update_gate_.close();
  limiter_.close();
  while (limiter_.in_use() > 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  if (auto* pool = pool_.exchange(nullptr)) mongoc_client_pool_destroy(pool);
}

void Database::throw_not_started() const {
  throw infra::UnavailableError("mongodb", "the MongoDB client for " + config_.address + " is not started",
                         "call Database::start() (the lifecycle does) before using models");
}

void Database::send_ping(mongoc_client_t* client) const {
  bson_t* command = BCON_NEW("ping", BCON_INT32(1));
  bson_error_t error;
  const bool ok = mongoc_client_command_simple(client, config_.database.c_str(), command, nullptr, nullptr, &error);
  bson_destroy(command);
  if (!ok) throw_driver_error(error, "ping", config_.address);
}

bool Database::is_ferretdb(mongoc_client_t* client) const {
  bson_t* command = BCON_NEW("buildInfo", BCON_INT32(1));
  bson_t reply;
  bson_error_t error;
  const bool ok = mongoc_client_command_simple(client, "admin", command, nullptr, &reply, &error);
  bson_destroy(command);
  bool ferretdb = false;
  if (ok) {
    bson_iter_t it;
    ferretdb = bson_iter_init_find(&it, &reply, "ferretdbVersion");
  }
  bson_destroy(&reply);  // initialised by the driver on failure too
  if (!ok) throw_driver_error(error, "buildInfo", config_.address);
  return ferretdb;
}

void Database::declare_indexes(std::string collection, std::vector<IndexSpec> indexes) {
  std::lock_guard lock(declared_mutex_);
  declared_.push_back({std::move(collection), std::move(indexes)});
}

Collection Database::collection(std::string name) { return Collection(*this, std::move(name)); }

awaitable<void> Database::start() {
  if (pool_.load() == nullptr) {
    auto uri = make_uri(config_);
    bson_error_t error;
    mongoc_client_pool_t* pool = mongoc_client_pool_new_with_error(uri.get(), &error);
    if (pool == nullptr) {
      throw infra::ConfigError("mongodb", std::string("cannot create a client pool from MONGODB_URI: ") + error.message,
                        "check the URI options");
    }
    mongoc_client_pool_set_error_api(pool, MONGOC_ERROR_API_VERSION_2);
    mongoc_client_pool_max_size(pool, config_.pool_size);
    pool_.store(pool, std::memory_order_release);
  }

  // A real round trip, then the declared indexes.
  if (!co_await infra::first_contact("mongodb", ping(), "readiness reports it; indexes are ensured once the server answers")) {
    co_return;
  }
  spdlog::info("mongodb: connected to {} database '{}' (pool {} connections)", config_.address, config_.database,
               config_.pool_size);
}

awaitable<void> Database::ensure_indexes() {
  std::vector<CollectionIndexes> declared;
  {
    std::lock_guard lock(declared_mutex_);
    declared = declared_;
  }
  for (const auto& entry : declared) {
    // One createIndexes per index: FerretDB 1.24 panics (drops the connection) when a single
    // command lists several indexes and some of them exist already.
    for (const auto& index : entry.indexes) {
      const std::string where =
          "cannot create index " + index.effective_name() + " on collection '" + entry.collection + "': ";
      std::vector<Document> specs;
      specs.push_back(index.to_bson());
      try {
        co_await collection(entry.collection).create_indexes(std::move(specs));
      } catch (const infra::ConflictError& e) {
        throw infra::ConflictError("mongodb", where + e.message(), e.hint());
      } catch (const infra::QueryError& e) {
        throw infra::QueryError("mongodb", where + e.message(),
                                "the server rejected an index option; FerretDB lacks some (see docs/mongodb.md)");
      }
    }
    spdlog::debug("mongodb: indexes ensured on {}", entry.collection);
  }
}

awaitable<void> Database::ping() {
  auto send = [this](mongoc_client_t* client) { send_ping(client); };
  co_await run("ping " + config_.address, std::move(send));
  if (!indexes_ensured_.load()) {  // at start, or the server was unreachable then
    if (config_.serialize_updates == Config::SerializeUpdates::automatic) {
      auto ask = [this](mongoc_client_t* client) { return is_ferretdb(client); };
      const bool ferretdb = co_await run("buildInfo " + config_.address, std::move(ask));
      if (ferretdb && !serialize_updates_.exchange(true)) {
        spdlog::info("mongodb: {} is FerretDB, whose updates are not atomic: this process runs its updates one at a "
                     "time (MONGODB_SERIALIZE_UPDATES)", config_.address);
      }
    }
    co_await ensure_indexes();
    indexes_ensured_.store(true);
  }
}

awaitable<infra::HealthStatus> Database::check_health(std::chrono::milliseconds timeout) {
  return infra::run_check([this] { return ping(); }, timeout, "mongodb");
}

std::vector<infra::HealthCheck> Database::checks() {
  return {{"mongodb", config_.address + "/" + config_.database, [this] { return ping(); },
           std::string(infra::hints::start_local_services) + "; check MONGODB_URI"}};
}

awaitable<void> Database::stop() {
  update_gate_.close();
  limiter_.close();
  co_await limiter_.drained();
  if (auto* pool = pool_.exchange(nullptr)) mongoc_client_pool_destroy(pool);
  spdlog::info("mongodb: client pool closed");
}

}  // namespace vibework::mongodb
