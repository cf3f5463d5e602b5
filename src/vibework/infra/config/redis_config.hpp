#pragma once
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "vibework/infra/config/env_reader.hpp"

namespace vibework::infra {

// REDIS_URL: redis://[user:password@]host:port/db (rediss:// for TLS).
struct RedisConfig {
  std::string url = "redis://localhost:6379";  // may hold a password: never logged
  std::string host = "localhost";
  std::uint16_t port = 6379;
  std::optional<std::string> username;
  std::optional<std::string> password;  // secret
  int db = 0;
  bool tls = false;

  std::string address() const { return host + ":" + std::to_string(port) + "/" + std::to_string(db); }
};

RedisConfig parse_redis_config(EnvReader& env);

}  // namespace vibework::infra
