#pragma once
// The `account` table (Better-Auth 1.7, Drizzle/MySQL). The email/password credential lives in
// the row with provider_id "credential", account_id = user.id, issuer "local:credential".
#include <optional>
#include <string>

#include "vibework/mysql/query/declare_table.hpp"

namespace vibework::schema {

using mysql::TimePoint;

VIBEWORK_MYSQL_TABLE(Account, AccountTable, "account",
    (std::string, id, exact),
    (std::string, issuer, exact),
    (std::string, account_id, exact),
    (std::string, provider_id, exact),
    (std::string, user_id, exact),
    (std::optional<std::string>, access_token),
    (std::optional<std::string>, refresh_token),
    (std::optional<std::string>, id_token),
    (std::optional<TimePoint>, access_token_expires_at),
    (std::optional<TimePoint>, refresh_token_expires_at),
    (std::optional<std::string>, scope),
    (std::optional<std::string>, password),  // the password hash; never returned to clients
    (TimePoint, created_at),
    (TimePoint, updated_at))

// A credential account in a Better-Auth 1.6 database, whose `account` has no issuer column (1.7
// added it): only the columns an email/password account uses (the others are nullable).
// UserStore detects which table the database has and serves a 1.6 one as 1.6 does.
VIBEWORK_MYSQL_TABLE(AccountV16, AccountV16Table, "account",
    (std::string, id, exact),
    (std::string, account_id, exact),
    (std::string, provider_id, exact),
    (std::string, user_id, exact),
    (std::optional<std::string>, password),
    (TimePoint, created_at),
    (TimePoint, updated_at))

}  // namespace vibework::schema
