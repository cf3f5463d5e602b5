#pragma once
// The `account` table (Better-Auth 1.7, Drizzle/MySQL). The email/password credential lives in
// the row with provider_id "credential", account_id = user.id, issuer "local:credential".
#include <optional>
#include <string>

#include <boost/describe/class.hpp>

#include "vibework/mysql/query/column.hpp"

namespace vibework::schema {

using mysql::TimePoint;

struct Account {
  std::string id;
  std::string issuer;
  std::string account_id;
  std::string provider_id;
  std::string user_id;
  std::optional<std::string> access_token;
  std::optional<std::string> refresh_token;
  std::optional<std::string> id_token;
  std::optional<TimePoint> access_token_expires_at;
  std::optional<TimePoint> refresh_token_expires_at;
  std::optional<std::string> scope;
  std::optional<std::string> password;  // the password hash; never returned to clients
  TimePoint created_at;
  TimePoint updated_at;
};
BOOST_DESCRIBE_STRUCT(Account, (),
                      (id, issuer, account_id, provider_id, user_id, access_token, refresh_token, id_token,
                       access_token_expires_at, refresh_token_expires_at, scope, password, created_at, updated_at))

struct AccountTable : mysql::Table<Account> {
  mysql::Column<&Account::id> id{this, mysql::Compare::exact};
  mysql::Column<&Account::issuer> issuer{this, mysql::Compare::exact};
  mysql::Column<&Account::account_id> account_id{this, mysql::Compare::exact};
  mysql::Column<&Account::provider_id> provider_id{this, mysql::Compare::exact};
  mysql::Column<&Account::user_id> user_id{this, mysql::Compare::exact};
  mysql::Column<&Account::access_token> access_token{this};
  mysql::Column<&Account::refresh_token> refresh_token{this};
  mysql::Column<&Account::id_token> id_token{this};
  mysql::Column<&Account::access_token_expires_at> access_token_expires_at{this};
  mysql::Column<&Account::refresh_token_expires_at> refresh_token_expires_at{this};
  mysql::Column<&Account::scope> scope{this};
  mysql::Column<&Account::password> password{this};
  mysql::Column<&Account::created_at> created_at{this};
  mysql::Column<&Account::updated_at> updated_at{this};

  explicit AccountTable(const mysql::TableNaming& naming = {}) : Table("account", naming) {}
};

}  // namespace vibework::schema
