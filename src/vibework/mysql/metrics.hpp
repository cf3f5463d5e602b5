#pragma once
// The MySQL connector's query metrics: mysql_query_duration_seconds{kind} and
// mysql_query_errors_total{kind}, kind = the statement's first keyword (select, insert, update,
// delete, other: never the SQL itself). The pool's own metrics are Pool::attach_metrics.
#include <string_view>

#include "vibework/infra/metrics/registry.hpp"

namespace vibework::mysql {

enum class StatementKind : unsigned char { select, insert, update, delete_, other };
inline constexpr std::size_t statement_kinds = 5;
StatementKind statement_kind(std::string_view sql) noexcept;

class QueryMetrics {
 public:
  QueryMetrics() = default;  // records nothing
  explicit QueryMetrics(infra::metrics::Registry& registry);
  // `started` from infra::metrics::now_ticks().
  void record(std::string_view sql, long long started, bool failed) const noexcept;

 private:
  infra::metrics::Histogram duration_[statement_kinds];
  infra::metrics::Counter errors_[statement_kinds];
};

}  // namespace vibework::mysql
