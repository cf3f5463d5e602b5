#pragma once
// The `session` table (Better-Auth 1.7, Drizzle/MySQL).
#include <optional>
#include <string>

#include "vibework/mysql/query/declare_table.hpp"

namespace vibework::schema {

using mysql::TimePoint;

VIBEWORK_MYSQL_TABLE(Session, SessionTable, "session",
    (std::string, id, exact),
    (TimePoint, expires_at),
    (std::string, token, exact),
    (TimePoint, created_at),
    (TimePoint, updated_at),
    (std::optional<std::string>, ip_address),
    (std::optional<std::string>, user_agent),
    (std::string, user_id, exact))

}  // namespace vibework::schema
