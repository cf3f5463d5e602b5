#pragma once
// Config: the whole environment, parsed and validated once at start.
// Each part owns its section (config/<part>_config.*); this file only assembles them.
#include <chrono>
#include <string>
#include <vector>

#include "vibework/infra/config/auth_config.hpp"
#include "vibework/infra/config/env_reader.hpp"
#include "vibework/infra/config/http_config.hpp"
#include "vibework/infra/config/mongodb_config.hpp"
#include "vibework/infra/config/mysql_config.hpp"
#include "vibework/infra/config/pubsub_config.hpp"
#include "vibework/infra/config/redis_config.hpp"
#include "vibework/infra/health.hpp"

namespace vibework::infra {

enum class AppEnv { development, production };

struct LogConfig {
  std::string level = "info";  // LOG_LEVEL: trace|debug|info|warn|error|off
  bool json = false;           // LOG_FORMAT: json|text
};

struct Config {
  AppEnv app_env = AppEnv::development;  // APP_ENV
  std::chrono::milliseconds shutdown_timeout{10'000};  // SHUTDOWN_TIMEOUT_MS
  std::chrono::milliseconds health_timeout{5'000};     // HEALTH_TIMEOUT_MS
  // HEALTH_DETAILS=full|status: what /health/ready shows; status when APP_ENV=production.
  HealthDetails health_details = HealthDetails::full;
  std::size_t blocking_threads = 16;                   // BLOCKING_THREADS
  LogConfig log;
  HttpConfig http;
  MysqlConfig mysql;
  MongodbConfig mongodb;
  RedisConfig redis;
  PubsubConfig pubsub;
  AuthConfig auth;

  bool production() const noexcept { return app_env == AppEnv::production; }
  // One line per setting, secrets replaced by "***": safe to log.
  std::vector<std::string> describe() const;
};

struct ConfigResult {
  Config config;
  std::vector<ConfigProblem> problems;  // empty = valid
  bool ok() const noexcept { return problems.empty(); }
};

ConfigResult load_config(const EnvLookup& lookup);

}  // namespace vibework::infra
