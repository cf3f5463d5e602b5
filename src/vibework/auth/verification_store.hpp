#pragma once
// VerificationStore: Better-Auth's `verification` rows (password-reset and delete-account tokens),
// identifier -> value with an expiry, readable and writable by a Node Better-Auth app on the
// same database. A row is consumed once: of two requests racing with one token, one wins.
//
//   co_await verifications.create(tx, "reset-password:" + token, user.id, 3600s);  // in the mail's transaction
//   auto user_id = co_await verifications.consume("reset-password:" + token);     // nullopt: unknown, used, expired
#include <chrono>
#include <optional>
#include <string>

#include "vibework/auth/session_policy.hpp"
#include "vibework/infra/asio.hpp"
#include "vibework/mysql/database.hpp"
#include "vibework/schema/auth_schema.hpp"

namespace vibework::auth {

class VerificationStore {
 public:
  explicit VerificationStore(mysql::Database& db, Clock clock = {});

  // A new row on `runner` (the Database, or the caller's transaction).
  awaitable<void> create(mysql::QueryRunner& runner, std::string identifier, std::string value,
                         std::chrono::seconds expires_in);
  // The value of an unexpired row, leaving it in place (GET reset-password/:token checks it).
  awaitable<std::optional<std::string>> peek(std::string identifier);
  // The value of an unexpired row, deleting every row of that identifier; nullopt when there was
  // none, it expired, or a concurrent consume won.
  awaitable<std::optional<std::string>> consume(std::string identifier);
  // Deletes expired rows (Better-Auth never does).
  awaitable<std::uint64_t> delete_expired();

 private:
  TimePoint now() const { return now_by(clock_); }
  mysql::Database& db_;
  schema::AuthSchema tables_;
  Clock clock_;
};

}  // namespace vibework::auth
