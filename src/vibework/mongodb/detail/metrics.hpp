#pragma once
// Internal: what Database::attach_metrics keeps (complete where the Database is destroyed).
#include <array>
#include <string_view>
#include <vector>

#include "vibework/mongodb/database.hpp"

namespace vibework::mongodb {

namespace detail {
inline constexpr std::array<std::string_view, 10> operations{"insert", "find",        "findAndModify", "update", "delete",
                                                             "count",  "listIndexes", "createIndexes", "ping",   "other"};
}  // namespace detail

struct Database::Metrics {
  std::array<infra::metrics::Histogram, detail::operations.size()> duration;
  std::array<infra::metrics::Counter, detail::operations.size()> errors;
  std::vector<infra::metrics::Registration> gauges;
};

}  // namespace vibework::mongodb
