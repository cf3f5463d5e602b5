#include "vibework/auth/user_store.hpp"

#include "vibework/auth/email.hpp"
#include "vibework/auth/random_token.hpp"

namespace vibework::auth {

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

  schema::Account account;
  account.id = random_token();
  account.account_id = user.id;  // Better-Auth: the credential account's id is the user's
  account.provider_id = std::string(credential_provider);
  account.issuer = std::string(credential_issuer);
  account.user_id = user.id;
  account.password = std::move(password_hash);
  account.created_at = t;
  account.updated_at = t;

  auto& users = tables_.user;
  auto& accounts = tables_.account;
  auto tx = co_await db_.begin();
  std::exception_ptr error;
  try {
    co_await tx.insert(users).values(user).execute();
    co_await tx.insert(accounts).values(account).execute();
  } catch (...) {
    error = std::current_exception();
  }
  co_await tx.finish(error);  // commits, or rolls back and rethrows (ConflictError for a taken email)
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

// As 1.7 matches the credential account: provider, issuer and accountId = the user's id.
awaitable<std::optional<std::string>> UserStore::password_hash(std::string user_id) {
  auto& accounts = tables_.account;
  const std::string provider(credential_provider), issuer(credential_issuer);
  auto account = co_await db_.select(accounts)
                     .where(accounts.provider_id == provider && accounts.issuer == issuer &&
                            accounts.account_id == user_id)
                     .first();
  if (!account) co_return std::nullopt;
  co_return account->password;
}

awaitable<std::optional<schema::User>> UserStore::update_profile(std::string user_id, ProfileChange change) {
  auto user = co_await find(user_id);
  if (!user) co_return std::nullopt;
  if (change.name) user->name = std::move(*change.name);
  if (change.image) user->image = std::move(*change.image);
  user->updated_at = now();
  auto& users = tables_.user;
  (void)co_await db_.update(users)
      .set(users.name = user->name, users.image = user->image, users.updated_at = user->updated_at)
      .where(users.id == user_id)
      .execute();
  co_return user;
}

awaitable<bool> UserStore::set_password(std::string user_id, std::string password_hash) {
  auto& accounts = tables_.account;
  const std::string provider(credential_provider), issuer(credential_issuer);
  const auto t = now();
  const auto changed = co_await db_.update(accounts)
                           .set(accounts.password = password_hash, accounts.updated_at = t)
                           .where(accounts.provider_id == provider && accounts.issuer == issuer &&
                                  accounts.account_id == user_id)
                           .execute();
  co_return changed > 0;
}

awaitable<bool> UserStore::remove(std::string user_id) {
  auto& users = tables_.user;
  const auto removed = co_await db_.remove(users).where(users.id == user_id).execute();
  co_return removed > 0;
}

}  // namespace vibework::auth
