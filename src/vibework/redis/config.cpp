#include "vibework/redis/config.hpp"

#include <charconv>

#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>
#include <fmt/format.h>

namespace vibework::redis {

using infra::EnvReader;

namespace {
void parse_tuning(infra::EnvReader& env, Config& c) {
  using std::chrono::milliseconds;
  c.connections = static_cast<std::size_t>(env.integer("REDIS_CONNECTIONS", 0, 0, 256));
  c.connect_timeout = env.milliseconds("REDIS_CONNECT_TIMEOUT_MS", c.connect_timeout, milliseconds(1), milliseconds(600'000));
  c.command_timeout = env.milliseconds("REDIS_COMMAND_TIMEOUT_MS", c.command_timeout, milliseconds(1), milliseconds(600'000));
  c.reconnect_min = env.milliseconds("REDIS_RECONNECT_MIN_MS", c.reconnect_min, milliseconds(1), milliseconds(600'000));
  c.reconnect_max = env.milliseconds("REDIS_RECONNECT_MAX_MS", c.reconnect_max, milliseconds(1), milliseconds(600'000));
  if (c.reconnect_max < c.reconnect_min) {
    env.problem("REDIS_RECONNECT_MAX_MS", "must not be smaller than REDIS_RECONNECT_MIN_MS", "REDIS_RECONNECT_MAX_MS=1000");
  }
  c.offline_wait = env.milliseconds("REDIS_OFFLINE_WAIT_MS", c.offline_wait, milliseconds(0), milliseconds(600'000));
  c.subscriber_ping = env.milliseconds("REDIS_SUBSCRIBER_PING_MS", c.subscriber_ping, milliseconds(100), milliseconds(600'000));
}
}  // namespace

Config Config::parse(infra::EnvReader& env, const infra::CoreConfig&) {
  Config c;
  parse_tuning(env, c);
  c.url = env.string("REDIS_URL", c.url);
  const std::string example = "redis://localhost:6379/0";
  auto parsed = boost::urls::parse_uri(c.url);
  if (!parsed) {
    env.problem("REDIS_URL", "is not a valid URL", example);
    return c;
  }
  const auto& u = *parsed;
  if (u.scheme() != "redis" && u.scheme() != "rediss") {
    env.problem("REDIS_URL", "must start with redis:// or rediss://", example);
    return c;
  }
  c.tls = u.scheme() == "rediss";
  if (c.tls) {
    // The client speaks RESP over our own Asio sockets; TLS (asio::ssl) is not wired in yet.
    env.problem("REDIS_URL", "uses rediss:// (TLS), which this build does not support yet",
                "redis://localhost:6379/0 (or a local TLS tunnel such as stunnel)");
    return c;
  }
  if (u.host().empty()) {
    env.problem("REDIS_URL", "has no host", example);
    return c;
  }
  c.host = u.host();
  if (u.has_port()) {
    const auto p = u.port_number();
    if (p == 0) {
      env.problem("REDIS_URL", "has an invalid port", example);
      return c;
    }
    c.port = p;
  }
  if (u.has_userinfo()) {
    const std::string user = u.user();
    if (!user.empty()) c.username = user;
    if (u.has_password()) c.password = std::string(u.password());
  }
  std::string path = u.path();
  if (!path.empty() && path != "/") {
    const std::string db = path.substr(1);
    int n = -1;
    auto [end, ec] = std::from_chars(db.data(), db.data() + db.size(), n);
    if (ec != std::errc{} || end != db.data() + db.size() || n < 0) {
      env.problem("REDIS_URL", "has an invalid database number in its path", example);
      return c;
    }
    c.db = n;
  }
  return c;
}

std::string Config::describe() const {
  return fmt::format("REDIS={}{}", address(), password ? " (password ***)" : "");
}

}  // namespace vibework::redis
