#include "vibework/infra/config.hpp"

#include <fmt/format.h>

namespace vibework::infra {

CoreConfig parse_core_config(EnvReader& env) {
  using std::chrono::milliseconds;
  CoreConfig c;
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
  return c;
}

std::string CoreConfig::describe() const {
  return fmt::format("APP_ENV={} LOG_LEVEL={} HEALTH_TIMEOUT_MS={} HEALTH_DETAILS={} SHUTDOWN_TIMEOUT_MS={}",
                     production() ? "production" : "development", log.level, health_timeout.count(),
                     health_details == HealthDetails::status ? "status" : "full", shutdown_timeout.count());
}

}  // namespace vibework::infra
