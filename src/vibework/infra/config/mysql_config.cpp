#include "vibework/infra/config/mysql_config.hpp"

namespace vibework::infra {

MysqlConfig parse_mysql_config(EnvReader& env) {
  using std::chrono::milliseconds;
  MysqlConfig c;
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
  return c;
}

}  // namespace vibework::infra
