#include "vibework/mysql/metrics.hpp"

#include <cctype>

namespace vibework::mysql {

namespace {
constexpr std::string_view kind_names[statement_kinds] = {"select", "insert", "update", "delete", "other"};

bool starts_with_word(std::string_view sql, std::string_view word) {
  if (sql.size() < word.size()) return false;
  for (std::size_t i = 0; i < word.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(sql[i])) != word[i]) return false;
  }
  return sql.size() == word.size() || !std::isalnum(static_cast<unsigned char>(sql[word.size()]));
}
}  // namespace

StatementKind statement_kind(std::string_view sql) noexcept {
  while (!sql.empty() && (std::isspace(static_cast<unsigned char>(sql.front())) || sql.front() == '(')) sql.remove_prefix(1);
  if (starts_with_word(sql, "select") || starts_with_word(sql, "with")) return StatementKind::select;
  if (starts_with_word(sql, "insert") || starts_with_word(sql, "replace")) return StatementKind::insert;
  if (starts_with_word(sql, "update")) return StatementKind::update;
  if (starts_with_word(sql, "delete")) return StatementKind::delete_;
  return StatementKind::other;
}

QueryMetrics::QueryMetrics(infra::metrics::Registry& r) {
  auto duration = r.histogram_family("mysql_query_duration_seconds",
                                     "MySQL statement time on its connection, by statement kind.", {"kind"},
                                     infra::metrics::buckets::latency_seconds());
  auto errors = r.counter_family("mysql_query_errors_total", "MySQL statements that failed, by statement kind.", {"kind"});
  for (std::size_t i = 0; i < statement_kinds; ++i) {
    duration_[i] = duration.labels({kind_names[i]});
    errors_[i] = errors.labels({kind_names[i]});
  }
}

void QueryMetrics::record(std::string_view sql, long long started, bool failed) const noexcept {
  if (!duration_[0]) return;
  const auto kind = static_cast<std::size_t>(statement_kind(sql));
  duration_[kind].observe_since(started);
  if (failed) errors_[kind].inc();
}

}  // namespace vibework::mysql
