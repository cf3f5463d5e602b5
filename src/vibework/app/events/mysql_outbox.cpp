#include "vibework/app/events/mysql_outbox.hpp"

#include <cstdint>

#include "vibework/infra/errors.hpp"

namespace vibework::app::events {

namespace {
OutboxEvent to_event(EventOutboxRow row) {
  return {.id = std::move(row.id),
          .topic = std::move(row.topic),
          .event_type = std::move(row.event_type),
          .data = std::move(row.payload),
          .created_at = row.created_at,
          .traceparent = row.traceparent.value_or("")};
}

// DATETIME(3) keeps milliseconds: round here so the row and the payload's time agree.
TimePoint now_millis() {
  return std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
}
}  // namespace

MysqlOutbox::MysqlOutbox(mysql::Database& db, MysqlOutboxOptions options) : db_(db), options_(options) {}

const EventOutboxTable& MysqlOutbox::table() {
  static const EventOutboxTable t(mysql::TableNaming{});
  return t;
}

awaitable<void> MysqlOutbox::record(mysql::QueryRunner& runner, OutboxEvent event) {
  if (event.id.empty() || event.topic.empty() || event.event_type.empty()) {
    throw infra::InvalidArgumentError("events", "an outbox event needs an id, a topic and an event type");
  }
  EventOutboxRow row;
  row.id = std::move(event.id);
  row.topic = std::move(event.topic);
  row.event_type = std::move(event.event_type);
  row.payload = std::move(event.data);
  row.created_at = event.created_at == TimePoint{} ? now_millis() : event.created_at;
  if (!event.traceparent.empty()) row.traceparent = std::move(event.traceparent);
  const auto& t = table();
  (void)co_await runner.insert(t).values(row).execute();
}

awaitable<std::vector<OutboxEvent>> MysqlOutbox::claim(std::string owner, std::size_t max,
                                                       std::chrono::milliseconds lease) {
  std::vector<OutboxEvent> out;
  if (max == 0) co_return out;
  // Server time on both sides of the lease, so instances with skewed clocks agree on expiry.
  const auto& t = table();
  const auto lease_us = static_cast<std::int64_t>(lease.count()) * 1000;
  const auto claimed = co_await db_.execute(
      "UPDATE " + t.quoted_table_name() +
          " SET lease_owner = ?, lease_until = NOW(3) + INTERVAL ? MICROSECOND "
          "WHERE published_at IS NULL AND (lease_until IS NULL OR lease_until < NOW(3)) "
          "ORDER BY created_at, id LIMIT ?",
      owner, lease_us, static_cast<std::uint64_t>(max));
  if (claimed.affected_rows == 0) co_return out;
  auto rows = co_await db_.select(t)
                  .where(t.lease_owner == owner && t.published_at.is_null())
                  .order_by(t.created_at.asc(), t.id.asc())
                  .all();
  out.reserve(rows.size());
  for (auto& row : rows) out.push_back(to_event(std::move(row)));
  co_return out;
}

awaitable<void> MysqlOutbox::mark_published(std::string owner, std::vector<std::string> ids) {
  if (ids.empty()) co_return;
  // Only under our lease: had it expired and another relay taken the row, that relay marks it.
  const auto& t = table();
  const auto mine = t.id.in(ids) && t.lease_owner == owner;
  (void)co_await db_.execute("UPDATE " + t.quoted_table_name() +
                                 " SET published_at = NOW(3), lease_until = NULL WHERE published_at IS NULL AND " +
                                 mine.sql,
                             mine.params);
}

awaitable<void> MysqlOutbox::release(std::string owner, std::vector<std::string> ids) {
  if (ids.empty()) co_return;
  const auto& t = table();
  const auto mine = t.id.in(ids) && t.lease_owner == owner;
  (void)co_await db_.execute("UPDATE " + t.quoted_table_name() +
                                 " SET lease_owner = NULL, lease_until = NULL, attempts = attempts + 1 "
                                 "WHERE published_at IS NULL AND " +
                                 mine.sql,
                             mine.params);
}

awaitable<std::size_t> MysqlOutbox::prune(std::chrono::seconds older_than) {
  // In chunks: one huge DELETE would hold its locks (and the relay's pass) for long.
  const auto& t = table();
  const std::string sql = "DELETE FROM " + t.quoted_table_name() +
                          " WHERE published_at < NOW(3) - INTERVAL ? SECOND ORDER BY published_at, id LIMIT ?";
  const auto chunk = static_cast<std::uint64_t>(options_.prune_chunk);
  std::size_t removed = 0;
  for (std::size_t i = 0; i < options_.prune_max_chunks; ++i) {
    const auto rs = co_await db_.execute(sql, static_cast<std::int64_t>(older_than.count()), chunk);
    removed += static_cast<std::size_t>(rs.affected_rows);
    if (rs.affected_rows < chunk) break;
  }
  co_return removed;
}

awaitable<OutboxBacklog> MysqlOutbox::backlog() {
  const auto& t = table();
  const auto rs = co_await db_.execute("SELECT COUNT(*), MIN(created_at) FROM " + t.quoted_table_name() +
                                       " WHERE published_at IS NULL");
  OutboxBacklog out;
  out.pending = static_cast<std::size_t>(mysql::codec::from_value<std::uint64_t>(rs.cell(0, 0), "COUNT(*)"));
  out.oldest = mysql::codec::from_value<std::optional<TimePoint>>(rs.cell(0, 1), "MIN(created_at)");
  co_return out;
}

}  // namespace vibework::app::events
