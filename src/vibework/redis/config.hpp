#pragma once
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "vibework/infra/config.hpp"

namespace vibework::redis {

// REDIS_URL: redis://[user:password@]host:port/db. The REDIS_* tuning variables are described
// in docs/redis.md.
struct Config {
  std::string url = "redis://localhost:6379";  // may hold a password: never logged
  std::string host = "localhost";
  std::uint16_t port = 6379;
  std::optional<std::string> username;
  std::optional<std::string> password;  // secret
  int db = 0;
  bool tls = false;  // rediss:// (rejected at start: this build speaks plain TCP only)

  // REDIS_CONNECTIONS: command connections; 0 = one per I/O thread, so a request handler's
  // commands go to a connection on its own thread (no thread hop). Commands are pipelined.
  std::size_t connections = 0;
  std::chrono::milliseconds connect_timeout{3'000};  // REDIS_CONNECT_TIMEOUT_MS (TCP + AUTH/SELECT/PING)
  std::chrono::milliseconds command_timeout{2'000};  // REDIS_COMMAND_TIMEOUT_MS (reply deadline)
  std::chrono::milliseconds reconnect_min{50};       // REDIS_RECONNECT_MIN_MS (first retry delay)
  std::chrono::milliseconds reconnect_max{1'000};    // REDIS_RECONNECT_MAX_MS (backoff cap)
  // REDIS_OFFLINE_WAIT_MS: while disconnected, a command waits this long for the connection to
  // come back before failing; 0 = fail at once (the default).
  std::chrono::milliseconds offline_wait{0};
  // REDIS_SUBSCRIBER_PING_MS: the pub/sub connection pings this often, so a server that stopped
  // answering is noticed (and the subscriptions moved to a new connection) without traffic.
  std::chrono::milliseconds subscriber_ping{5'000};

  std::string address() const { return host + ":" + std::to_string(port) + "/" + std::to_string(db); }

  static Config parse(infra::EnvReader& env, const infra::CoreConfig& core);
  std::string describe() const;  // the password as ***
};

}  // namespace vibework::redis
