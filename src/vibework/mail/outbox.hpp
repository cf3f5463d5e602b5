#pragma once
// Outbox: the durable queue of mail, a MySQL table (migrations/0002_mail_outbox.sql).
//
//   co_await db.transaction([&](mysql::Transaction& tx) -> awaitable<void> {
//     co_await tx.insert(verifications).values(token_row).execute();
//     co_await mailer->outbox().enqueue(tx, std::move(mail));   // committed with the token, or neither
//   });
//
// enqueue() only writes a row: a request never waits on SMTP. The sender (mail::Mailer) claims
// due rows with a lease, sends them, and marks them sent or schedules a retry. Delivery is at
// least once: a crash between the SMTP answer and the mark resends, with the same Message-ID.
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "vibework/infra/asio.hpp"
#include "vibework/mail/mail_message.hpp"
#include "vibework/mysql/database.hpp"

namespace vibework::mail {

// One claimed row, as the sender needs it.
struct OutboxRow {
  std::uint64_t id = 0;
  Mail mail;
  std::uint32_t attempts = 0;  // including the one this claim is for
  mysql::TimePoint created_at;
  std::string traceparent;  // of the work that enqueued it; "" when none
};

// What waits in the outbox: rows not sent yet, and when the oldest of them was written.
struct QueueBacklog {
  std::uint64_t pending = 0;
  std::optional<mysql::TimePoint> oldest;
};

class Outbox {
 public:
  // `db` runs the sender's statements; `on_enqueue` (may be empty) is called after a row is
  // committed, so a sender in this process can start at once instead of at its next poll.
  explicit Outbox(mysql::Database& db, std::function<void()> on_enqueue = {});

  // Writes the row inside the caller's transaction; the wake-up follows its commit. Returns
  // the row id. Throws InvalidArgumentError for a bad recipient (before writing anything).
  awaitable<std::uint64_t> enqueue(mysql::Transaction& tx, Mail mail);
  // The same in a statement of its own.
  awaitable<std::uint64_t> enqueue(mysql::Database& db, Mail mail);

  // ---- for the sender ----
  // Leases up to `limit` due rows (not sent, next_attempt_at passed, no live lease) to `owner`
  // until now + `lease`, counting the attempt, and returns them. One UPDATE: two senders never
  // lease the same row.
  awaitable<std::vector<OutboxRow>> claim(std::string owner, std::size_t limit, std::chrono::milliseconds lease);
  awaitable<void> mark_sent(std::uint64_t id, std::string owner);
  // Frees the row for another attempt after `delay`, keeping the error for operators.
  awaitable<void> mark_failed(std::uint64_t id, std::string owner, std::string error, std::chrono::milliseconds delay);
  // Gives a claimed row back untried (the sender is stopping): due again at once, attempt uncounted.
  awaitable<void> release(std::uint64_t id, std::string owner);
  // Deletes rows sent more than `age` ago; returns how many.
  awaitable<std::uint64_t> prune_sent(std::chrono::hours age);
  // Rows not sent yet (due or waiting for a retry) and the oldest one's created_at.
  awaitable<QueueBacklog> backlog();

  static constexpr const char* table = "mail_outbox";

 private:
  mysql::Database& db_;
  std::function<void()> on_enqueue_;
};

}  // namespace vibework::mail
