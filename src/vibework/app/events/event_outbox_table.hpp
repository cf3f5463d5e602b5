#pragma once
// The `event_outbox` table (migrations/0003_event_outbox.sql; traceparent from 0004), one row per
// event. Its columns are ours, not Better-Auth's: always snake_case, whatever MYSQL_COLUMN_NAMING says.
#include <cstdint>
#include <optional>
#include <string>

#include "vibework/mysql/query/declare_table.hpp"

namespace vibework::app::events {

VIBEWORK_MYSQL_TABLE(EventOutboxRow, EventOutboxTable, "event_outbox",
    (std::string, id),                       // ascii_bin: compared byte for byte already
    (std::string, topic),
    (std::string, event_type),
    (std::string, payload),
    (mysql::TimePoint, created_at),
    (std::optional<std::string>, lease_owner),
    (std::optional<mysql::TimePoint>, lease_until),
    (std::uint32_t, attempts),
    (std::optional<std::string>, last_error),
    (std::optional<mysql::TimePoint>, published_at),
    (std::optional<std::string>, traceparent))

}  // namespace vibework::app::events
