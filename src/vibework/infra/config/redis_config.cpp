#include "vibework/infra/config/redis_config.hpp"

#include <charconv>

#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

namespace vibework::infra {

RedisConfig parse_redis_config(EnvReader& env) {
  RedisConfig c;
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

}  // namespace vibework::infra
