#pragma once
// MysqlOutbox: the `event_outbox` table (migrations/0003_event_outbox.sql) as an OutboxStore.
// A change and its event are one transaction:
//
//   co_await db.transaction([&](mysql::Transaction& tx) -> awaitable<void> {
//     co_await tx.insert(users).values(user).execute();
//     co_await events::MysqlOutbox::record(tx, std::move(event));   // committed together, or neither
//   });
//   relay->add_store(outbox);   // the relay publishes the row later, and marks it
//
// Leases as mail::Outbox does: one UPDATE ... ORDER BY ... LIMIT takes the rows (row locks make
// it atomic per row, so two relays never take the same one), then a SELECT reads them back by
// the claim's owner tag, which the relay makes unique per claim.
#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

#include "vibework/app/events/event_outbox_table.hpp"
#include "vibework/app/events/outbox_store.hpp"
#include "vibework/mysql/database.hpp"

namespace vibework::app::events {

struct MysqlOutboxOptions {
  std::size_t prune_chunk = 1000;     // rows per DELETE: short statements, short locks
  std::size_t prune_max_chunks = 100; // per prune() call, so one call never runs for long
};

class MysqlOutbox final : public OutboxStore {
 public:
  explicit MysqlOutbox(mysql::Database& db, MysqlOutboxOptions options = {});

  // Writes `event` on `runner` (the caller's transaction, or the Database for a statement of
  // its own). Its id must be set (consumers deduplicate on it); a zero created_at becomes now.
  // Its traceparent is stored with it (the relay publishes it as the message attribute).
  // The relay sees the row once it is committed: wake it with tx.after_commit.
  static awaitable<void> record(mysql::QueryRunner& runner, OutboxEvent event);

  std::string_view name() const override { return "mysql event_outbox"; }
  awaitable<std::vector<OutboxEvent>> claim(std::string owner, std::size_t max,
                                            std::chrono::milliseconds lease) override;
  awaitable<void> mark_published(std::string owner, std::vector<std::string> ids) override;
  // Also counts the failed attempt (attempts), for operators looking at a stuck row.
  awaitable<void> release(std::string owner, std::vector<std::string> ids) override;
  awaitable<std::size_t> prune(std::chrono::seconds older_than) override;
  awaitable<OutboxBacklog> backlog() override;

  // The table as the queries name it (fixed snake_case columns).
  static const EventOutboxTable& table();

 private:
  mysql::Database& db_;
  MysqlOutboxOptions options_;
};

}  // namespace vibework::app::events
