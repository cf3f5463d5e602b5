#include "vibework/http/config.hpp"

#include <boost/asio/ip/address.hpp>
#include <fmt/format.h>

namespace vibework::http {

using infra::EnvReader;
using infra::quote_value;

Config Config::parse(EnvReader& env, const infra::CoreConfig& core) {
  using std::chrono::milliseconds;
  Config c;
  c.json_logs = core.log.json;
  c.shutdown_timeout = core.shutdown_timeout;
  c.host = env.string("HTTP_HOST", c.host);
  boost::system::error_code ec;
  boost::asio::ip::make_address(c.host, ec);
  if (ec && c.host != "localhost") {
    env.problem("HTTP_HOST", quote_value(c.host) + " is not an IP address to listen on", "127.0.0.1");
  }
  c.port = env.port("HTTP_PORT", c.port);
  c.threads = static_cast<std::size_t>(env.integer("HTTP_THREADS", 0, 0, 256));
  c.max_body_bytes = static_cast<std::size_t>(env.integer("HTTP_MAX_BODY_BYTES", 1024 * 1024, 0, 1LL << 32));
  c.max_header_bytes = static_cast<std::size_t>(env.integer("HTTP_MAX_HEADER_BYTES", 16 * 1024, 1024, 1024 * 1024));
  c.idle_timeout = env.milliseconds("HTTP_IDLE_TIMEOUT_MS", c.idle_timeout, milliseconds(100), milliseconds(3'600'000));
  c.read_timeout = env.milliseconds("HTTP_READ_TIMEOUT_MS", c.read_timeout, milliseconds(100), milliseconds(3'600'000));
  if (env.raw("HTTP_MAX_CONNECTIONS")) {  // unset stays 0: derived at start
    constexpr std::int64_t example = 10'000;
    c.max_connections = static_cast<std::size_t>(
        env.integer("HTTP_MAX_CONNECTIONS", example, 1, static_cast<std::int64_t>(max_http_connections)));
  }
  c.access_log = env.boolean("HTTP_ACCESS_LOG", true);
  c.test_routes = env.boolean("VIBEWORK_TEST_ROUTES", false);
  c.metrics_enabled = env.boolean("METRICS_ENABLED", true);
  c.metrics_host = env.string("METRICS_HOST", c.metrics_host);
  boost::asio::ip::make_address(c.metrics_host, ec);
  if (ec && c.metrics_host != "localhost") {
    env.problem("METRICS_HOST", quote_value(c.metrics_host) + " is not an IP address to listen on", "127.0.0.1");
  }
  c.metrics_port = static_cast<std::uint16_t>(env.integer("METRICS_PORT", 0, 0, 65535));
  if (c.metrics_port != 0 && c.metrics_port == c.port) {
    env.problem("METRICS_PORT", "is HTTP_PORT; set 0 to serve /metrics on HTTP_PORT, or another port for its own listener",
                "9464");
  }
  return c;
}

std::string Config::describe() const {
  const auto metrics = !metrics_enabled ? std::string("off")
                       : metrics_port == 0 ? std::string("on HTTP_PORT")
                                           : fmt::format("{}:{}", metrics_host, metrics_port);
  return fmt::format("HTTP={}:{} threads={} metrics={}", host, port, threads, metrics);
}

}  // namespace vibework::http
