#include "vibework/mysql/config.hpp"

#include <fmt/format.h>

#include <boost/url/parse.hpp>

namespace vibework::mysql {

using infra::EnvReader;

namespace {
// mysql://user:password@host:port/database — an alternative to the separate variables; the
// parts it contains win over them.
void apply_mysql_url(const std::string& text, Config& c, EnvReader& env) {
  auto url = boost::urls::parse_uri(text);
  if (!url || (url->scheme() != "mysql" && url->scheme() != "mariadb")) {
    env.problem("MYSQL_URL", "is not a mysql:// URL", "MYSQL_URL=mysql://root:password@127.0.0.1:3306/vibework");
    return;
  }
  if (url->has_userinfo()) {
    c.user = url->user();
    if (url->has_password()) c.password = url->password();
  }
  if (!url->host().empty()) c.host = url->host();
  if (url->has_port()) {
    const auto port = url->port_number();
    if (port == 0) env.problem("MYSQL_URL", "has an invalid port", "MYSQL_URL=mysql://root:password@127.0.0.1:3306/vibework");
    else c.port = port;
  }
  std::string path = url->path();
  if (!path.empty() && path.front() == '/') path.erase(0, 1);
  if (!path.empty()) c.database = path;
}
}  // namespace

Config Config::parse(EnvReader& env, const infra::CoreConfig&) {
  using std::chrono::milliseconds;
  Config c;
  c.host = env.string("MYSQL_HOST", c.host);
  c.port = env.port("MYSQL_PORT", c.port);
  c.user = env.string("MYSQL_USER", c.user);
  c.password = env.string("MYSQL_PASSWORD", c.password);
  c.database = env.string("MYSQL_DATABASE", c.database);
  c.connection_limit = static_cast<std::size_t>(env.integer("MYSQL_POOL_SIZE", 10, 1, 1000));
  c.wait_for_connections = env.boolean("MYSQL_WAIT_FOR_CONNECTIONS", true);
  c.queue_limit = static_cast<std::size_t>(env.integer("MYSQL_QUEUE_LIMIT", 0, 0, 1'000'000));
  c.acquire_timeout = env.milliseconds("MYSQL_ACQUIRE_TIMEOUT_MS", c.acquire_timeout, milliseconds(1), milliseconds(600'000));
  c.connect_timeout = env.milliseconds("MYSQL_CONNECT_TIMEOUT_MS", c.connect_timeout, milliseconds(1), milliseconds(600'000));
  c.query_timeout = env.milliseconds("MYSQL_QUERY_TIMEOUT_MS", c.query_timeout, milliseconds(1), milliseconds(3'600'000));
  c.idle_timeout = env.milliseconds("MYSQL_IDLE_TIMEOUT_MS", c.idle_timeout, milliseconds(1'000), milliseconds(86'400'000));
  c.migrate_on_start = env.boolean("MYSQL_MIGRATE_ON_START", false);
  c.migrations_dir = env.string("MYSQL_MIGRATIONS_DIR", c.migrations_dir);
  c.camel_case_columns = env.one_of("MYSQL_COLUMN_NAMING", "snake_case", {"snake_case", "camel_case"}) == "camel_case";
  c.table_user = env.string("MYSQL_TABLE_USER", c.table_user);
  c.table_session = env.string("MYSQL_TABLE_SESSION", c.table_session);
  c.table_account = env.string("MYSQL_TABLE_ACCOUNT", c.table_account);
  c.table_verification = env.string("MYSQL_TABLE_VERIFICATION", c.table_verification);
  if (auto url = env.optional_string("MYSQL_URL")) apply_mysql_url(*url, c, env);
  return c;
}

std::string Config::describe() const {
  return fmt::format("MYSQL={}@{} pool={}", user, address(), connection_limit);
}

}  // namespace vibework::mysql
