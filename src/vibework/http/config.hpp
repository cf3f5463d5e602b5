#pragma once
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

#include "vibework/infra/config.hpp"

namespace vibework::http {

// Above this the open connections no longer fit the server's counters (and no machine serves them).
inline constexpr std::size_t max_http_connections = std::size_t{1} << 24;

struct Config {
  std::string host = "127.0.0.1";  // HTTP_HOST; 0.0.0.0 in a container
  std::uint16_t port = 3000;       // HTTP_PORT
  std::size_t threads = 0;         // HTTP_THREADS, I/O threads; 0 = one per core
  std::size_t max_body_bytes = 1024 * 1024;       // HTTP_MAX_BODY_BYTES -> 413 above
  std::size_t max_header_bytes = 16 * 1024;       // HTTP_MAX_HEADER_BYTES -> 431 above
  std::chrono::milliseconds idle_timeout{30'000}; // HTTP_IDLE_TIMEOUT_MS, keep-alive idle
  std::chrono::milliseconds read_timeout{10'000}; // HTTP_READ_TIMEOUT_MS, one whole request
  // HTTP_MAX_CONNECTIONS: open connections at most; at the cap the oldest idle or unfinished
  // ones are closed to make room. 0 = not set: `vibework serve` derives it from the open-file
  // limit at start (infra/descriptor_budget.hpp) before the server sees it.
  std::size_t max_connections = 0;
  bool access_log = true;          // HTTP_ACCESS_LOG
  bool test_routes = false;        // VIBEWORK_TEST_ROUTES: /__test/* routes for e2e tests only
  // GET /metrics (Prometheus): METRICS_ENABLED; on its own listener METRICS_HOST:METRICS_PORT,
  // or on this listener when METRICS_PORT=0 (then it is as public as the API).
  bool metrics_enabled = true;
  std::string metrics_host = "127.0.0.1";
  std::uint16_t metrics_port = 0;
  // From the core settings, so the server needs no other section.
  bool json_logs = false;                          // LOG_FORMAT=json
  std::chrono::milliseconds shutdown_timeout{10'000};  // SHUTDOWN_TIMEOUT_MS: drain bound

  static Config parse(infra::EnvReader& env, const infra::CoreConfig& core);
  std::string describe() const;
};

}  // namespace vibework::http
