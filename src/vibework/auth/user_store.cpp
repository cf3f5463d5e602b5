#include "vibework/auth/user_store.hpp"

#include <spdlog/spdlog.h>

#include "vibework/auth/email.hpp"
#include "vibework/auth/random_token.hpp"

namespace vibework::auth {

awaitable<void> notify_user_changed(const UserChangedHooks* hooks, std::string user_id) {
  if (hooks == nullptr) co_return;
  for (const auto& hook : *hooks) {
    try {
      co_await hook(user_id);
    } catch (const std::exception& e) {
      spdlog::warn("auth: a user-changed hook failed for user {}: {}", user_id, e.what());
    }
  }
}

UserStore::UserStore(mysql::Database& db, Clock clock) : db_(db), tables_(db.config()), clock_(std::move(clock)) {}

awaitable<schema::User> UserStore::create(NewUser fields, std::string password_hash) {
  const auto t = now();
  schema::User user;
  user.id = random_token();
  user.name = std::move(fields.name);
  user.email = normalize_email(fields.email);
  user.email_verified = false;
  user.image = std::move(fields.image);
  user.created_at = t;
  user.updated_at = t;

  auto& users = tables_.user;
  (void)co_await has_issuer_column();  // asked (once) before the transaction holds a connection
  auto tx = co_await db_.begin();
  std::exception_ptr error;
  try {
    co_await tx.insert(users).values(user).execute();
    co_await insert_credential_account(tx, user.id, std::move(password_hash), t);
    if (recorder_) co_await recorder_(tx, UserEventKind::created, user);
  } catch (...) {
    error = std::current_exception();
  }
  co_await tx.finish(error);  // commits, or rolls back and rethrows (ConflictError for a taken email)
  co_return user;
}

awaitable<void> UserStore::insert_credential_account(mysql::QueryRunner& runner, const std::string& user_id,
                                                     std::string password_hash, TimePoint t) {
  schema::Account account;
  account.id = random_token();
  account.account_id = user_id;  // Better-Auth: the credential account's id is the user's
  account.provider_id = std::string(credential_provider);
  account.issuer = std::string(credential_issuer);
  account.user_id = user_id;
  account.password = std::move(password_hash);
  account.created_at = t;
  account.updated_at = t;
  if (co_await has_issuer_column()) {
    auto& accounts = tables_.account;
    co_await runner.insert(accounts).values(account).execute();
  } else {
    const schema::AccountV16 v16{.id = account.id, .account_id = account.account_id, .provider_id = account.provider_id,
                                 .user_id = account.user_id, .password = account.password,
                                 .created_at = account.created_at, .updated_at = account.updated_at};
    auto& accounts_v16 = tables_.account_v16;
    co_await runner.insert(accounts_v16).values(v16).execute();
  }
}

awaitable<void> UserStore::set_or_add_password(std::string user_id, std::string password_hash) {
  const bool updated = co_await set_password(user_id, password_hash);
  if (!updated) co_await insert_credential_account(db_, user_id, std::move(password_hash), now());
}

awaitable<std::optional<schema::User>> UserStore::find_by_email(std::string email) {
  auto& users = tables_.user;
  const std::string normalized = normalize_email(email);
  co_return co_await db_.select(users).where(users.email == normalized).first();
}

awaitable<std::optional<schema::User>> UserStore::set_email(std::string user_id, std::optional<std::string> email,
                                                            bool verified) {
  RowChange apply = [&](mysql::Transaction& tx, schema::User& user) -> awaitable<void> {
    if (email) user.email = normalize_email(*email);
    user.email_verified = verified;
    user.updated_at = now();
    auto& users = tables_.user;
    (void)co_await tx.update(users)
        .set(users.email = user.email, users.email_verified = user.email_verified, users.updated_at = user.updated_at)
        .where(users.id == user.id)
        .execute();
  };
  co_return co_await change_user(std::move(user_id), UserEventKind::updated, std::move(apply));
}

awaitable<std::optional<schema::User>> UserStore::change_user(std::string user_id, UserEventKind kind,
                                                              RowChange change) {
  auto& users = tables_.user;
  auto tx = co_await db_.begin();
  std::optional<schema::User> user;
  std::exception_ptr error;
  try {
    // FOR UPDATE: two changes of one user apply one after the other, none lost.
    user = co_await tx.select(users).where(users.id == user_id).for_update().first();
    if (user) {
      co_await change(tx, *user);
      if (recorder_) co_await recorder_(tx, kind, *user);
    }
  } catch (...) {
    error = std::current_exception();
  }
  co_await tx.finish(error);  // commits, or rolls back and rethrows (a failing recorder undoes the change)
  co_return user;
}

awaitable<std::optional<Credentials>> UserStore::find_credentials(std::string email) {
  auto& users = tables_.user;
  const std::string normalized = normalize_email(email);
  auto user = co_await db_.select(users).where(users.email == normalized).first();
  if (!user) co_return std::nullopt;
  auto hash = co_await password_hash(user->id);
  Credentials found{std::move(*user), std::move(hash)};
  co_return found;
}

awaitable<std::optional<schema::User>> UserStore::find(std::string user_id) {
  auto& users = tables_.user;
  co_return co_await db_.select(users).where(users.id == user_id).first();
}

awaitable<bool> UserStore::has_issuer_column() {
  if (const int known = issuer_column_.load(); known >= 0) co_return known == 1;
  const auto result = co_await db_.execute(
      "SELECT COUNT(*) FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? AND "
      "COLUMN_NAME = 'issuer'",
      tables_.account.table_name());
  const auto& count = result.cell(0, 0);
  const bool has = std::holds_alternative<std::int64_t>(count) ? std::get<std::int64_t>(count) > 0
                                                               : std::get<std::uint64_t>(count) > 0;
  if (issuer_column_.exchange(has ? 1 : 0) < 0 && !has) {
    spdlog::info("auth: `{}` has no issuer column: a Better-Auth 1.6 database, served as 1.6 does",
                 tables_.account.table_name());
  }
  co_return has;
}

// As 1.7 matches the credential account: provider, issuer and accountId = the user's id; 1.6
// (no issuer) by provider and user.
awaitable<std::optional<std::string>> UserStore::password_hash(std::string user_id) {
  const std::string provider(credential_provider), issuer(credential_issuer);
  if (!co_await has_issuer_column()) {
    auto& v16 = tables_.account_v16;
    auto account = co_await db_.select(v16).where(v16.provider_id == provider && v16.user_id == user_id).first();
    if (!account) co_return std::nullopt;
    co_return account->password;
  }
  auto& accounts = tables_.account;
  auto account = co_await db_.select(accounts)
                     .where(accounts.provider_id == provider && accounts.issuer == issuer &&
                            accounts.account_id == user_id)
                     .first();
  if (!account) co_return std::nullopt;
  co_return account->password;
}

awaitable<std::optional<schema::User>> UserStore::update_profile(std::string user_id, ProfileChange change) {
  RowChange apply = [&](mysql::Transaction& tx, schema::User& user) -> awaitable<void> {
    if (change.name) user.name = std::move(*change.name);
    if (change.image) user.image = std::move(*change.image);
    user.updated_at = now();
    auto& users = tables_.user;
    (void)co_await tx.update(users)
        .set(users.name = user.name, users.image = user.image, users.updated_at = user.updated_at)
        .where(users.id == user.id)
        .execute();
  };
  co_return co_await change_user(std::move(user_id), UserEventKind::updated, std::move(apply));
}

awaitable<bool> UserStore::set_password(std::string user_id, std::string password_hash) {
  auto& accounts = tables_.account;
  const std::string provider(credential_provider), issuer(credential_issuer);
  const auto t = now();
  if (!co_await has_issuer_column()) {
    auto& v16 = tables_.account_v16;
    const auto changed = co_await db_.update(v16)
                             .set(v16.password = password_hash, v16.updated_at = t)
                             .where(v16.provider_id == provider && v16.user_id == user_id)
                             .execute();
    co_return changed > 0;
  }
  const auto changed = co_await db_.update(accounts)
                           .set(accounts.password = password_hash, accounts.updated_at = t)
                           .where(accounts.provider_id == provider && accounts.issuer == issuer &&
                                  accounts.account_id == user_id)
                           .execute();
  co_return changed > 0;
}

awaitable<bool> UserStore::remove(std::string user_id) {
  // The recorder sees the row as it was: the deletion event still names the user.
  RowChange apply = [this](mysql::Transaction& tx, schema::User& user) -> awaitable<void> {
    auto& users = tables_.user;
    (void)co_await tx.remove(users).where(users.id == user.id).execute();
  };
  const auto removed = co_await change_user(std::move(user_id), UserEventKind::deleted, std::move(apply));
  co_return removed.has_value();
}

}  // namespace vibework::auth
