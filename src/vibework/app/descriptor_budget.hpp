#pragma once
// Descriptor budget: how many HTTP connections the open-file limit allows once everything else
// the process opens has its share, and the check of HTTP_MAX_CONNECTIONS against it.
//
// Reserved (see reserved_descriptors):
//   64                          stdio, log files, the signal pipe, DNS, TLS trust store and
//                               credential files, migration files
// + 5 per I/O thread            its epoll, eventfd and timerfd, its listener, and the one
//                               connection it may accept above the cap while making room
// + MYSQL_POOL_SIZE
// + MongoDB maxPoolSize + 2 per host (the driver's monitoring connections)
// + Redis command connections (REDIS_CONNECTIONS, or one per I/O thread) + 1 subscriber
// + PUBSUB_MAX_CONNECTIONS
// The default HTTP_MAX_CONNECTIONS is the (raised) soft limit minus this.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "vibework/app/app_config.hpp"

// (In the app: it is the one place that knows every part the process runs.)
namespace vibework::app {

std::uint64_t reserved_descriptors(const AppConfig& config, std::size_t io_threads);

struct ConnectionBudget {
  std::uint64_t open_file_limit = 0;
  std::uint64_t reserved = 0;
  std::uint64_t max_connections = 0;  // the cap in force
  bool from_environment = false;      // HTTP_MAX_CONNECTIONS was set, else derived
  std::optional<infra::ConfigProblem> problem;  // HTTP_MAX_CONNECTIONS exceeds what the limit allows
  // "at most 895 connections (open-file limit 1024 - 129 kept for pools, logs and listeners)"
  std::string describe() const;
};

// Throws ConfigError when the limit leaves no room for HTTP connections at all.
ConnectionBudget http_connection_budget(const AppConfig& config, std::size_t io_threads, std::uint64_t open_file_limit);

}  // namespace vibework::app
