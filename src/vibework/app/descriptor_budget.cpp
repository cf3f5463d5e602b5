#include "vibework/app/descriptor_budget.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "vibework/infra/errors.hpp"

namespace vibework::app {

namespace {
constexpr std::uint64_t fixed_reserve = 64;
constexpr std::uint64_t per_io_thread = 5;
constexpr std::uint64_t monitors_per_mongodb_host = 2;
constexpr std::uint64_t srv_hosts_assumed = 3;  // mongodb+srv:// names its hosts only at connect time

std::uint64_t mongodb_hosts(const mongodb::Config& mongodb) {
  if (mongodb.address.rfind("srv:", 0) == 0) return srv_hosts_assumed;
  return 1 + static_cast<std::uint64_t>(std::count(mongodb.address.begin(), mongodb.address.end(), ','));
}
}  // namespace

std::uint64_t reserved_descriptors(const AppConfig& config, std::size_t io_threads) {
  const auto& mysql = config.get<mysql::Config>();
  const auto& mongodb = config.get<mongodb::Config>();
  const auto& redis = config.get<redis::Config>();
  const auto& pubsub = config.get<pubsub::Config>();
  const std::uint64_t redis_commands = redis.connections == 0 ? io_threads : redis.connections;
  return fixed_reserve + per_io_thread * io_threads + mysql.connection_limit + mongodb.pool_size +
         monitors_per_mongodb_host * mongodb_hosts(mongodb) + redis_commands + 1 +
         pubsub.max_connections;
}

std::string ConnectionBudget::describe() const {
  return fmt::format("at most {} connections ({}; open-file limit {} - {} kept for pools, logs and listeners)",
                     max_connections, from_environment ? "HTTP_MAX_CONNECTIONS" : "derived", open_file_limit,
                     reserved);
}

ConnectionBudget http_connection_budget(const AppConfig& config, std::size_t io_threads, std::uint64_t open_file_limit) {
  ConnectionBudget budget;
  budget.open_file_limit = open_file_limit;
  budget.reserved = reserved_descriptors(config, io_threads);
  const std::uint64_t allowed =
      std::min(open_file_limit > budget.reserved ? open_file_limit - budget.reserved : 0, http::max_http_connections);
  if (allowed == 0) {
    throw infra::ConfigError("http",
                      fmt::format("the open-file limit of {} leaves no room for HTTP connections: {} are kept for "
                                  "pools, logs and listeners",
                                  open_file_limit, budget.reserved),
                      "raise the hard limit (ulimit -Hn, LimitNOFILE= in a systemd unit) or lower MYSQL_POOL_SIZE, "
                      "MONGODB_POOL_SIZE or PUBSUB_MAX_CONNECTIONS");
  }
  budget.from_environment = config.get<http::Config>().max_connections != 0;
  budget.max_connections = budget.from_environment ? config.get<http::Config>().max_connections : allowed;
  if (budget.max_connections > allowed) {
    budget.problem = infra::ConfigProblem{
        "HTTP_MAX_CONNECTIONS",
        fmt::format("{} is more than the open-file limit allows: {} open files, {} kept for pools, logs and "
                    "listeners, so at most {} (or raise the hard limit: ulimit -Hn, LimitNOFILE=)",
                    config.get<http::Config>().max_connections, open_file_limit, budget.reserved, allowed),
        std::to_string(allowed)};
  }
  return budget;
}

}  // namespace vibework::app
