#pragma once
// The four Better-Auth tables, named as configured (MYSQL_COLUMN_NAMING, MYSQL_TABLE_*), so one
// database serves both vibework and a Better-Auth (TypeScript) service.
//
//   schema::AuthSchema auth(config.get<mysql::Config>());
//   auto user = co_await db.select(auth.user).where(auth.user.email == email).first();
#include "vibework/mysql/config.hpp"
#include "vibework/schema/account.hpp"
#include "vibework/schema/session.hpp"
#include "vibework/schema/user.hpp"
#include "vibework/schema/verification.hpp"

namespace vibework::schema {

inline mysql::TableNaming auth_naming(const mysql::Config& config, const std::string& table) {
  return {table, config.camel_case_columns ? mysql::ColumnNaming::camel_case : mysql::ColumnNaming::snake_case, {}};
}

struct AuthSchema {
  UserTable user;
  SessionTable session;
  AccountTable account;
  AccountV16Table account_v16;  // the same table in a Better-Auth 1.6 database (no issuer)
  VerificationTable verification;

  // No default: the tables are always named as the configuration says.
  explicit AuthSchema(const mysql::Config& config)
      : user(auth_naming(config, config.table_user)),
        session(auth_naming(config, config.table_session)),
        account(auth_naming(config, config.table_account)),
        account_v16(auth_naming(config, config.table_account)),
        verification(auth_naming(config, config.table_verification)) {}
};

}  // namespace vibework::schema
