#pragma once
// Value: one SQL parameter or one result cell, as it travels over MySQL's binary protocol.
// The typed query layer converts struct members to and from these; raw queries use them directly.
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace vibework::mysql {

using TimePoint = std::chrono::system_clock::time_point;

// monostate = SQL NULL. Integers keep their signedness; DATETIME/TIMESTAMP/DATE are UTC
// time points (connections run with time_zone='+00:00'); DECIMAL, TIME, JSON and text are strings.
using Value = std::variant<std::monostate, std::int64_t, std::uint64_t, double, std::string, TimePoint>;

inline bool is_null(const Value& v) noexcept { return std::holds_alternative<std::monostate>(v); }

// The result of one statement. Rows are stored flat: cell(r, c) = cells[r * columns.size() + c].
struct ResultSet {
  std::vector<std::string> columns;
  std::vector<Value> cells;
  std::uint64_t affected_rows = 0;
  std::uint64_t insert_id = 0;

  std::size_t row_count() const noexcept { return columns.empty() ? 0 : cells.size() / columns.size(); }
  const Value& cell(std::size_t row, std::size_t column) const { return cells.at(row * columns.size() + column); }
  // Index of a column by name; throws InvalidArgumentError when there is no such column.
  std::size_t column_index(std::string_view name) const;
};

}  // namespace vibework::mysql
