#pragma once
// The `user` table, as Better-Auth 1.7's Drizzle adapter generates it for MySQL.
#include <optional>
#include <string>

#include "vibework/mysql/query/declare_table.hpp"

namespace vibework::schema {

using mysql::TimePoint;

VIBEWORK_MYSQL_TABLE(User, UserTable, "user",
    (std::string, id, exact),
    (std::string, name),
    (std::string, email, exact),  // stored lower-case; compared byte for byte
    (bool, email_verified),
    (std::optional<std::string>, image),
    (TimePoint, created_at),
    (TimePoint, updated_at))

}  // namespace vibework::schema
