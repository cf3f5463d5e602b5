#include "vibework/auth/verification_store.hpp"

#include "vibework/auth/random_token.hpp"

namespace vibework::auth {

VerificationStore::VerificationStore(mysql::Database& db, Clock clock)
    : db_(db), tables_(db.config()), clock_(std::move(clock)) {}

awaitable<void> VerificationStore::create(mysql::QueryRunner& runner, std::string identifier, std::string value,
                                          std::chrono::seconds expires_in) {
  const auto t = now();
  schema::Verification row;
  row.id = random_token();
  row.identifier = std::move(identifier);
  row.value = std::move(value);
  row.expires_at = t + expires_in;
  row.created_at = t;
  row.updated_at = t;
  auto& verifications = tables_.verification;
  co_await runner.insert(verifications).values(row).execute();
}

awaitable<std::optional<std::string>> VerificationStore::peek(std::string identifier) {
  auto& v = tables_.verification;
  const auto t = now();
  auto row = co_await db_.select(v).where(v.identifier == identifier && v.expires_at > t).first();
  if (!row) co_return std::nullopt;
  co_return std::move(row->value);
}

awaitable<std::optional<std::string>> VerificationStore::consume(std::string identifier) {
  auto& v = tables_.verification;
  const auto t = now();
  auto tx = co_await db_.begin();
  std::exception_ptr error;
  std::optional<std::string> value;
  try {
    auto row = co_await tx.select(v).where(v.identifier == identifier).first();
    // The DELETE waits for a concurrent consumer's lock and then finds nothing: that one won.
    const auto deleted = co_await tx.remove(v).where(v.identifier == identifier).execute();
    if (row && deleted > 0 && row->expires_at > t) value = std::move(row->value);
  } catch (...) {
    error = std::current_exception();
  }
  co_await tx.finish(error);
  co_return value;
}

awaitable<std::uint64_t> VerificationStore::delete_expired() {
  auto& v = tables_.verification;
  const auto t = now();
  co_return co_await db_.remove(v).where(v.expires_at < t).execute();
}

}  // namespace vibework::auth
