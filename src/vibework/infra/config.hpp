#pragma once
// Config: the environment, parsed and validated once at start.
//
// Core owns the settings every part shares (CoreConfig: APP_ENV, logging, health and shutdown
// timeouts, the blocking pool) and the mechanism; each part owns its section, next to its code
// (mysql/config.hpp, redis/config.hpp, ...). A program loads exactly the sections it uses, and
// every problem of every section is reported at once:
//
//   auto loaded = infra::load_config<mysql::Config, redis::Config>(infra::process_environment());
//   if (!loaded.ok()) { for (auto& p : loaded.problems) std::cerr << p.to_string() << "\n"; return 2; }
//   const mysql::Config& mysql = loaded.config.get<mysql::Config>();
//
// A section is a struct with `static S parse(EnvReader&, const CoreConfig&)` (defaults in its
// member initialisers, problems recorded on the reader) and `std::string describe() const`
// (one log line, secrets as ***).
#include <chrono>
#include <concepts>
#include <cstddef>
#include <string>
#include <tuple>
#include <vector>

#include "vibework/infra/config/env_reader.hpp"
#include "vibework/infra/health.hpp"

namespace vibework::infra {

enum class AppEnv { development, production };

struct LogConfig {
  std::string level = "info";  // LOG_LEVEL: trace|debug|info|warn|error|off
  bool json = false;           // LOG_FORMAT: json|text
};

struct CoreConfig {
  AppEnv app_env = AppEnv::development;                 // APP_ENV
  std::chrono::milliseconds shutdown_timeout{10'000};  // SHUTDOWN_TIMEOUT_MS
  std::chrono::milliseconds health_timeout{5'000};     // HEALTH_TIMEOUT_MS
  // HEALTH_DETAILS=full|status: what /health/ready shows; status when APP_ENV=production.
  HealthDetails health_details = HealthDetails::full;
  std::size_t blocking_threads = 16;                   // BLOCKING_THREADS
  LogConfig log;

  bool production() const noexcept { return app_env == AppEnv::production; }
  std::string describe() const;
};

CoreConfig parse_core_config(EnvReader& env);

template <typename S>
concept ConfigSection = requires(EnvReader& env, const CoreConfig& core, const S& section) {
  { S::parse(env, core) } -> std::same_as<S>;
  { section.describe() } -> std::convertible_to<std::string>;
};

template <ConfigSection... Sections>
struct Config : CoreConfig {
  std::tuple<Sections...> sections;

  template <typename S>
  const S& get() const noexcept { return std::get<S>(sections); }
  template <typename S>
  S& get() noexcept { return std::get<S>(sections); }

  // One line per section, secrets replaced by "***": safe to log.
  std::vector<std::string> describe() const {
    std::vector<std::string> out{CoreConfig::describe()};
    std::apply([&](const auto&... s) { (out.push_back(s.describe()), ...); }, sections);
    return out;
  }
};

template <ConfigSection... Sections>
struct ConfigResult {
  Config<Sections...> config;
  std::vector<ConfigProblem> problems;  // empty = valid
  bool ok() const noexcept { return problems.empty(); }
};

template <ConfigSection... Sections>
ConfigResult<Sections...> load_config(const EnvLookup& lookup) {
  EnvReader env(lookup);
  ConfigResult<Sections...> result;
  static_cast<CoreConfig&>(result.config) = parse_core_config(env);
  const CoreConfig& core = result.config;
  // A braced list evaluates left to right: problems come out in section order.
  result.config.sections = std::tuple<Sections...>{Sections::parse(env, core)...};
  result.problems = env.problems();
  return result;
}

}  // namespace vibework::infra
