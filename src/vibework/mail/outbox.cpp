#include "vibework/mail/outbox.hpp"

#include <optional>

#include "vibework/infra/current_trace.hpp"
#include "vibework/infra/errors.hpp"

namespace vibework::mail {

namespace {
constexpr const char* insert_sql =
    "INSERT INTO mail_outbox (recipient, subject, text_body, html_body, kind, traceparent, next_attempt_at, created_at) "
    "VALUES (?, ?, ?, ?, ?, ?, NOW(3), NOW(3))";

// Checked before the row is written: a mail that can never be built must not sit in the queue.
void validate(const Mail& mail) {
  if (!parse_address(mail.to)) {
    throw infra::InvalidArgumentError("mail", "not an email address: '" + mail.to.substr(0, 100) + "'");
  }
}

awaitable<std::uint64_t> insert(mysql::QueryRunner& runner, const Mail& mail) {
  // The request's trace rides with the mail: the sender's lines for it continue that trace.
  std::optional<std::string> traceparent;
  if (const auto* trace = infra::current_trace()) traceparent = trace->traceparent();
  const auto rs =
      co_await runner.execute(insert_sql, mail.to, mail.subject, mail.text, mail.html, mail.kind, traceparent);
  co_return rs.insert_id;
}

std::uint64_t unsigned_cell(const mysql::Value& v) {
  if (const auto* u = std::get_if<std::uint64_t>(&v)) return *u;
  if (const auto* i = std::get_if<std::int64_t>(&v)) return static_cast<std::uint64_t>(*i);
  return 0;
}
std::string text_cell(const mysql::Value& v) {
  const auto* s = std::get_if<std::string>(&v);
  return s ? *s : std::string();
}
}  // namespace

Outbox::Outbox(mysql::Database& db, std::function<void()> on_enqueue) : db_(db), on_enqueue_(std::move(on_enqueue)) {}

awaitable<std::uint64_t> Outbox::enqueue(mysql::Transaction& tx, Mail mail) {
  validate(mail);
  const auto id = co_await insert(tx, mail);
  if (on_enqueue_) tx.after_commit(on_enqueue_);  // the sender sees the row only once committed
  co_return id;
}

awaitable<std::uint64_t> Outbox::enqueue(mysql::Database& db, Mail mail) {
  validate(mail);
  const auto id = co_await insert(db, mail);
  if (on_enqueue_) on_enqueue_();
  co_return id;
}

awaitable<std::vector<OutboxRow>> Outbox::claim(std::string owner, std::size_t limit, std::chrono::milliseconds lease) {
  // Row locks make the UPDATE atomic per row: a second sender re-reads a row the first has
  // leased and skips it. The owner tag is unique per claim, so the SELECT finds exactly these.
  const auto lease_us = static_cast<std::int64_t>(lease.count()) * 1000;
  const auto claimed = co_await db_.execute(
      "UPDATE mail_outbox SET locked_by = ?, locked_until = NOW(3) + INTERVAL ? MICROSECOND, attempts = attempts + 1 "
      "WHERE sent_at IS NULL AND next_attempt_at <= NOW(3) AND (locked_until IS NULL OR locked_until < NOW(3)) "
      "ORDER BY next_attempt_at, id LIMIT ?",
      owner, lease_us, static_cast<std::uint64_t>(limit));
  std::vector<OutboxRow> rows;
  if (claimed.affected_rows == 0) co_return rows;
  const auto rs = co_await db_.execute(
      "SELECT id, recipient, subject, text_body, html_body, kind, attempts, created_at, traceparent FROM mail_outbox "
      "WHERE locked_by = ? AND sent_at IS NULL ORDER BY id",
      owner);
  for (std::size_t r = 0; r < rs.row_count(); ++r) {
    OutboxRow row;
    row.id = unsigned_cell(rs.cell(r, 0));
    row.mail.to = text_cell(rs.cell(r, 1));
    row.mail.subject = text_cell(rs.cell(r, 2));
    row.mail.text = text_cell(rs.cell(r, 3));
    row.mail.html = text_cell(rs.cell(r, 4));
    row.mail.kind = text_cell(rs.cell(r, 5));
    row.attempts = static_cast<std::uint32_t>(unsigned_cell(rs.cell(r, 6)));
    if (const auto* t = std::get_if<mysql::TimePoint>(&rs.cell(r, 7))) row.created_at = *t;
    row.traceparent = text_cell(rs.cell(r, 8));
    rows.push_back(std::move(row));
  }
  co_return rows;
}

awaitable<void> Outbox::mark_sent(std::uint64_t id, std::string owner) {
  // Only while we hold the lease: had it run out and another sender taken the row, its mark wins.
  co_await db_.execute(
      "UPDATE mail_outbox SET sent_at = NOW(3), locked_by = NULL, locked_until = NULL, last_error = NULL "
      "WHERE id = ? AND locked_by = ?",
      id, owner);
}

awaitable<void> Outbox::mark_failed(std::uint64_t id, std::string owner, std::string error,
                                    std::chrono::milliseconds delay) {
  const auto delay_us = static_cast<std::int64_t>(delay.count()) * 1000;
  if (error.size() > 2000) error.resize(2000);
  co_await db_.execute(
      "UPDATE mail_outbox SET next_attempt_at = NOW(3) + INTERVAL ? MICROSECOND, last_error = ?, "
      "locked_by = NULL, locked_until = NULL WHERE id = ? AND locked_by = ?",
      delay_us, error, id, owner);
}

awaitable<void> Outbox::release(std::uint64_t id, std::string owner) {
  co_await db_.execute(
      "UPDATE mail_outbox SET locked_by = NULL, locked_until = NULL, attempts = GREATEST(attempts, 1) - 1 "
      "WHERE id = ? AND locked_by = ?",
      id, owner);
}

awaitable<std::uint64_t> Outbox::prune_sent(std::chrono::hours age) {
  const auto rs = co_await db_.execute(
      "DELETE FROM mail_outbox WHERE sent_at IS NOT NULL AND sent_at < NOW(3) - INTERVAL ? HOUR LIMIT 1000",
      static_cast<std::int64_t>(age.count()));
  co_return rs.affected_rows;
}

awaitable<QueueBacklog> Outbox::backlog() {
  const auto rs = co_await db_.execute("SELECT COUNT(*), MIN(created_at) FROM mail_outbox WHERE sent_at IS NULL");
  QueueBacklog out;
  out.pending = unsigned_cell(rs.cell(0, 0));
  if (const auto* t = std::get_if<mysql::TimePoint>(&rs.cell(0, 1))) out.oldest = *t;
  co_return out;
}

}  // namespace vibework::mail
