#include "vibework/infra/config.hpp"

#include <fmt/format.h>

namespace vibework::infra {

ConfigResult load_config(const EnvLookup& lookup) {
  using std::chrono::milliseconds;
  EnvReader env(lookup);
  ConfigResult result;
  Config& c = result.config;
  c.app_env = env.one_of("APP_ENV", "development", {"development", "production"}) == "production"
                  ? AppEnv::production
                  : AppEnv::development;
  c.shutdown_timeout = env.milliseconds("SHUTDOWN_TIMEOUT_MS", c.shutdown_timeout, milliseconds(0), milliseconds(600'000));
  c.health_timeout = env.milliseconds("HEALTH_TIMEOUT_MS", c.health_timeout, milliseconds(1), milliseconds(600'000));
  c.health_details = env.one_of("HEALTH_DETAILS", c.production() ? "status" : "full", {"full", "status"}) == "status"
                         ? HealthDetails::status
                         : HealthDetails::full;
  c.blocking_threads = static_cast<std::size_t>(env.integer("BLOCKING_THREADS", 16, 1, 1024));
  c.log.level = env.one_of("LOG_LEVEL", "info", {"trace", "debug", "info", "warn", "error", "off"});
  c.log.json = env.one_of("LOG_FORMAT", "text", {"json", "text"}) == "json";
  c.http = parse_http_config(env);
  c.mysql = parse_mysql_config(env);
  c.mongodb = parse_mongodb_config(env);
  c.redis = parse_redis_config(env);
  c.pubsub = parse_pubsub_config(env, !c.production());
  c.auth = parse_auth_config(env, c.production());
  result.problems = env.problems();
  return result;
}

std::vector<std::string> Config::describe() const {
  std::vector<std::string> out;
  out.push_back(fmt::format("APP_ENV={}", production() ? "production" : "development"));
  out.push_back(fmt::format("HTTP={}:{} threads={}", http.host, http.port, http.threads));
  out.push_back(fmt::format("HEALTH_DETAILS={}", health_details == HealthDetails::status ? "status" : "full"));
  out.push_back(fmt::format("MYSQL={}@{} pool={}", mysql.user, mysql.address(), mysql.connection_limit));
  out.push_back(fmt::format("MONGODB={} database={}", mongodb.address, mongodb.database));
  out.push_back(fmt::format("REDIS={}{}", redis.address(), redis.password ? " (password ***)" : ""));
  out.push_back(fmt::format("PUBSUB project={} via {}", pubsub.project_id, pubsub.address()));
  out.push_back(fmt::format("AUTH_SECRET={}", auth.secret_is_dev_default ? "(development default)" : "***"));
  return out;
}

}  // namespace vibework::infra
