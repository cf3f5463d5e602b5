#pragma once
// The `verification` table (Better-Auth 1.7, Drizzle/MySQL): email-verification and
// password-reset tokens.
#include <string>

#include "vibework/mysql/query/declare_table.hpp"

namespace vibework::schema {

using mysql::TimePoint;

VIBEWORK_MYSQL_TABLE(Verification, VerificationTable, "verification",
    (std::string, id, exact),
    (std::string, identifier, exact),
    (std::string, value, exact),
    (TimePoint, expires_at),
    (TimePoint, created_at),
    (TimePoint, updated_at))

}  // namespace vibework::schema
