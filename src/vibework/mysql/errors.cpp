#include "vibework/mysql/errors.hpp"

#include <fmt/format.h>

#include "vibework/infra/errors.hpp"

namespace vibework::mysql {

namespace {
// "Duplicate entry 'a@b.test' for key 'user_email_unique'" -> "user_email_unique"
std::string key_name(std::string_view message) {
  const auto at = message.rfind("for key '");
  if (at == std::string_view::npos) return "?";
  auto rest = message.substr(at + 9);
  return std::string(rest.substr(0, rest.find('\'')));
}

// "Data too long for column 'name' at row 1" -> "name";
// "Incorrect string value: '...' for column `db`.`user`.`image` at row 1" -> "image"
std::string column_name(std::string_view message) {
  const auto at = message.rfind("for column ");
  if (at == std::string_view::npos) return "?";
  auto rest = message.substr(at + 11);
  rest = rest.substr(0, rest.find(" at row"));
  if (const auto dot = rest.rfind('.'); dot != std::string_view::npos) rest.remove_prefix(dot + 1);
  while (!rest.empty() && (rest.front() == '\'' || rest.front() == '`')) rest.remove_prefix(1);
  while (!rest.empty() && (rest.back() == '\'' || rest.back() == '`')) rest.remove_suffix(1);
  return std::string(rest);
}
}  // namespace

void throw_mysql_error(unsigned int e, std::string_view sqlstate, std::string_view message,
                       const std::string& address) {
  using namespace vibework::infra;
  const std::string code = fmt::format("error {} ({})", e, sqlstate);
  switch (e) {
    case 2002:
    case 2003:
    case 2005:
      throw UnreachableError("mysql", fmt::format("cannot connect to MySQL at {}: {}", address, message),
                             std::string(hints::start_local_services) + "; check MYSQL_HOST and MYSQL_PORT");
    case 1045:
      throw UnavailableError("mysql", fmt::format("access denied at {}: {}", address, message),
                             "check MYSQL_USER and MYSQL_PASSWORD");
    case 1049:
      throw UnavailableError("mysql", fmt::format("unknown database at {}: {}", address, message),
                             "create it (CREATE DATABASE ... CHARACTER SET utf8mb4) or fix MYSQL_DATABASE");
    case 1040:
    case 1203:
      throw UnavailableError("mysql", fmt::format("the server at {} refuses more connections: {}", address, message),
                             "lower MYSQL_POOL_SIZE across instances or raise the server's max_connections");
    case 2059:
      throw UnavailableError("mysql", fmt::format("authentication plugin could not be loaded: {}", message),
                             "install libmariadb3's plugins (caching_sha2_password for MySQL 8)");
    case 2006:
    case 2013:
    case 2055:
    case 1927:
    case 1053:
    case 4031:
      throw UnreachableError("mysql", fmt::format("connection to {} was lost ({}): {}", address, code, message),
                             "the server restarted, closed or killed the connection; the pool replaces it, retry");
    case 1062:
    case 1586:
      throw ConflictError("mysql", fmt::format("duplicate value for unique key '{}'", key_name(message)));
    // Strict mode refuses a value that does not fit its column: the caller's value, not a server
    // failure (ER_DATA_TOO_LONG; ER_TRUNCATED_WRONG_VALUE_FOR_FIELD, which MariaDB also reports for
    // multi-byte text longer than a TEXT column).
    case 1406:
      throw InvalidArgumentError("mysql", fmt::format("the value for column '{}' is too long", column_name(message)),
                                 "validate lengths before writing (VARCHAR(n) counts characters, TEXT 65535 bytes)");
    case 1366:
      throw InvalidArgumentError("mysql",
                                 fmt::format("the value for column '{}' does not fit it (too long, or not of its type)",
                                             column_name(message)),
                                 "validate values before writing (VARCHAR(n) counts characters, TEXT 65535 bytes)");
    case 1213:
      throw ConflictError("mysql", "deadlock found; the transaction was rolled back", "retry the transaction");
    case 1205:
      throw TimeoutError("mysql", "lock wait timeout exceeded", "another transaction holds the rows; retry or shorten it");
    case 1969:  // MariaDB ER_STATEMENT_TIMEOUT
    case 3024:  // MySQL ER_QUERY_TIMEOUT
      throw TimeoutError("mysql", "the server stopped the statement: it exceeded max_statement_time",
                         "make it faster (an index?) or raise MYSQL_QUERY_TIMEOUT_MS");
    case 1451:
    case 1452:
      throw ConflictError("mysql", fmt::format("foreign key constraint fails ({})", code),
                          "the referenced row is missing or still referenced");
    default:
      throw QueryError("mysql", fmt::format("{}: {}", code, message));
  }
}

}  // namespace vibework::mysql
