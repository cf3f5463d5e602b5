#pragma once
// UserStore: Better-Auth's users and their email/password ("credential") accounts in MySQL,
// the rows a Better-Auth Node service reads and writes the same way.
//
//   auth::UserStore users(db);
//   auth::NewUser ada{.name = "Ada", .email = "Ada@Example.com"};
//   auto user = co_await users.create(std::move(ada), co_await hasher.hash(password));
//   auto found = co_await users.find_credentials("ada@example.com");   // user + password hash
#include <atomic>
#include <functional>
#include <vector>
#include <optional>
#include <string>

#include "vibework/auth/session_policy.hpp"
#include "vibework/infra/asio.hpp"
#include "vibework/mysql/database.hpp"
#include "vibework/schema/auth_schema.hpp"

namespace vibework::auth {

struct NewUser {
  std::string name{};
  std::string email{};              // lower-cased on the way in (normalize_email)
  std::optional<std::string> image{};
};

// update-user's fields; an absent one stays as it is. image: nullopt keeps it, a null
// (std::optional<std::string>{}) inside clears it.
struct ProfileChange {
  std::optional<std::string> name{};
  std::optional<std::optional<std::string>> image{};
  bool empty() const { return !name && !image; }
};

struct Credentials {
  schema::User user;
  std::optional<std::string> password_hash;  // nullopt: the user has no credential account
};

// Better-Auth 1.7's email/password account: providerId "credential", issuer "local:credential"
// (local:<encodeURIComponent(providerId)>), accountId = the user's id.
inline constexpr std::string_view credential_provider = "credential";
inline constexpr std::string_view credential_issuer = "local:credential";

// Called after a user's row changed (profile, email, verification, deletion), so caches of users
// elsewhere in the service (the app's `user:<id>`) drop it.
using UserChangedHook = std::function<awaitable<void>(std::string user_id)>;
using UserChangedHooks = std::vector<UserChangedHook>;
// Runs every hook; a failing one is logged, never thrown (the change itself is done).
awaitable<void> notify_user_changed(const UserChangedHooks* hooks, std::string user_id);

enum class UserEventKind { created, updated, deleted };
// Called INSIDE the transaction that creates, changes or deletes a user (`user` as written, or
// as it was before a deletion), so the application can write an event in the same commit (its
// outbox). Unlike UserChangedHook it may fail the change: when it throws, everything rolls back.
using UserEventRecorder =
    std::function<awaitable<void>(mysql::Transaction& tx, UserEventKind kind, const schema::User& user)>;

class UserStore {
 public:
  explicit UserStore(mysql::Database& db, Clock clock = {});

  // create, set_email, update_profile and remove call it inside their transaction. Set before
  // serving (not thread-safe against those writes); empty: no events.
  void on_user_event(UserEventRecorder recorder) { recorder_ = std::move(recorder); }

  // The user and its credential account, in one transaction. ConflictError when the email is
  // already registered (the unique key decides, so two sign-ups racing cannot both win).
  awaitable<schema::User> create(NewUser user, std::string password_hash);

  awaitable<std::optional<Credentials>> find_credentials(std::string email);
  awaitable<std::optional<schema::User>> find(std::string user_id);
  awaitable<std::optional<schema::User>> find_by_email(std::string email);
  // verify-email and change-email: the new address (if any) and emailVerified; the updated user.
  awaitable<std::optional<schema::User>> set_email(std::string user_id, std::optional<std::string> email, bool verified);
  // The user's credential password hash; nullopt without a credential account or password.
  awaitable<std::optional<std::string>> password_hash(std::string user_id);
  // update-user: sets the given fields and updatedAt; the updated user (nullopt: no such user).
  awaitable<std::optional<schema::User>> update_profile(std::string user_id, ProfileChange change);

  // Replaces the credential account's hash (change-password, rehash on sign-in); false when the
  // user has no credential account.
  awaitable<bool> set_password(std::string user_id, std::string password_hash);
  // reset-password: set_password, or a new credential account when the user has none.
  awaitable<void> set_or_add_password(std::string user_id, std::string password_hash);

  // Deletes the user; its accounts and sessions go with it (ON DELETE CASCADE).
  awaitable<bool> remove(std::string user_id);

  // Whether `account` has 1.7's issuer column; a 1.6 database (without it) is served as 1.6:
  // credential accounts matched by provider and user alone. Asked once, then remembered.
  awaitable<bool> has_issuer_column();

 private:
  TimePoint now() const { return now_by(clock_); }
  using RowChange = std::function<awaitable<void>(mysql::Transaction& tx, schema::User& user)>;
  // Locks the user's row, applies `change` to it and records `kind`, in one transaction; the
  // user as changed (nullopt: no such user, nothing done).
  awaitable<std::optional<schema::User>> change_user(std::string user_id, UserEventKind kind, RowChange change);
  awaitable<void> insert_credential_account(mysql::QueryRunner& runner, const std::string& user_id,
                                            std::string password_hash, TimePoint t);

  mysql::Database& db_;
  schema::AuthSchema tables_;
  Clock clock_;
  UserEventRecorder recorder_;
  std::atomic<int> issuer_column_{-1};  // -1: not asked yet
};

}  // namespace vibework::auth
