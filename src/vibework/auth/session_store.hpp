#pragma once
// SessionStore: Better-Auth's sessions in MySQL (the `session` table, its rows readable and
// writable by a Better-Auth Node service on the same database), with SessionPolicy's lifetimes.
//
//   auth::SessionStore store(db);   // the tables named as db's configuration says
//   auth::NewSession options{.remember_me = true, .ip = ip, .user_agent = ua};
//   auto session = co_await store.create(user.id, std::move(options));
//   auto found = co_await store.present(token);   // nullopt: no such, or expired (row deleted)
//   co_await store.revoke(token);
//
// The clock is injectable so tests can move time; it defaults to the system clock.
#include <atomic>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>

#include "vibework/auth/session_policy.hpp"
#include "vibework/infra/asio.hpp"
#include "vibework/mysql/database.hpp"
#include "vibework/redis/cache.hpp"
#include "vibework/schema/auth_schema.hpp"

namespace vibework::auth {

struct NewSession {
  bool remember_me = true;
  std::string ip{};          // "" when unknown, as Better-Auth stores it
  std::string user_agent{};  // "" when absent
};

struct PresentOptions {
  bool dont_remember = false;    // the dont_remember cookie is there: never slide
  bool disable_refresh = false;  // get-session?disableRefresh=true
  // Better-Auth's sensitiveSessionMiddleware (revoke-*, change-password, delete-user): read
  // MySQL, whatever the cache holds (a row deleted behind our back is no session).
  bool authoritative = false;
};

// get-session's answer for a token, as text: {"session":{...},"user":{...}} in Better-Auth's
// JSON, which is also what the Redis cache holds (so a cache hit is sent without any JSON work).
struct PresentedJson {
  std::string body;
  TimePoint expires_at;
  bool refreshed = false;  // slid just now: re-issue the session cookie
};

struct FoundSession {
  schema::Session session;
  schema::User user;
  bool refreshed = false;  // slid just now: re-issue the session cookie with Max-Age = expiresIn
};

// The session and user of a PresentedJson body; nullopt when it is not one.
std::optional<FoundSession> parse_session_body(std::string_view body);

class SessionStore {
 public:
  explicit SessionStore(mysql::Database& db, SessionPolicy policy = {}, Clock clock = {});

  // Serve presented tokens from `cache` (Redis: every instance sees one cache) for at most `ttl`
  // per entry; every write here removes the entries it makes stale. When Redis is down the cache
  // falls back to MySQL by itself (logged once per outage). Call before serving.
  void cache_in(redis::Cache& cache, std::chrono::seconds ttl);

  // A new row: a 32-character token and id from the CSPRNG, expiresAt by the policy.
  // (Name the options before co_await: GCC 12 double-destroys an aggregate built inside it; the
  // one-argument forms need none. See the README's GCC 12 section.)
  awaitable<schema::Session> create(std::string user_id, NewSession options);
  awaitable<schema::Session> create(std::string user_id) { return create(std::move(user_id), NewSession()); }

  // The session and its user for a token, as get-session sees them: an expired row is deleted
  // and answers nullopt; a session due for its daily slide is extended.
  awaitable<std::optional<FoundSession>> present(std::string token, PresentOptions options);
  awaitable<std::optional<FoundSession>> present(std::string token) { return present(std::move(token), PresentOptions()); }
  // The same, as get-session's JSON text.
  awaitable<std::optional<PresentedJson>> present_json(std::string token, PresentOptions options);

  // The user's sessions that have not expired (list-sessions).
  awaitable<std::vector<schema::Session>> list_for_user(std::string user_id);

  // Deletes one session by its id (the C++ API's delete_session); true when there was one.
  awaitable<bool> revoke_id(std::string session_id);
  // One indexed read of the session table: the auth health check.
  awaitable<void> probe();
  // Deletes one session by token; true when there was one.
  awaitable<bool> revoke(std::string token);
  // The same, only when the session is `user_id`'s (revoke-session: a foreign token is ignored).
  awaitable<bool> revoke_own(std::string token, std::string user_id);
  // Deletes the user's sessions, all of them or all but `keep_token`; how many went.
  awaitable<std::uint64_t> revoke_all(std::string user_id, std::optional<std::string> keep_token = std::nullopt);
  // Drops the user's cached sessions (their user changed: profile, password, deletion).
  awaitable<void> forget_user(std::string user_id);
  // Cache entries that could not be dropped while Redis was unreachable are dropped once it
  // answers again (so a session revoked during an outage does not come back with Redis's data).
  // Called periodically by the component; cheap when nothing is pending.
  awaitable<void> retry_forgetting();
  // Deletes every expired row (Better-Auth has no such sweep: its table only grows).
  awaitable<std::uint64_t> delete_expired();

  const SessionPolicy& policy() const noexcept { return policy_; }
  // The store's clock (injected in tests).
  TimePoint now() const { return now_by(clock_); }

 private:
  // "<expiresAt ms>\n<get-session JSON>" for a token, from MySQL: the cache's value.
  awaitable<std::optional<std::string>> load(std::string token);
  awaitable<std::vector<std::string>> tokens_of(const std::string& user_id);
  awaitable<void> forget(std::vector<std::string> tokens);
  awaitable<void> forget_token(std::string token);

  mysql::Database& db_;
  redis::Cache* cache_ = nullptr;
  std::chrono::seconds cache_ttl_{0};
  std::mutex pending_mutex_;
  std::vector<std::string> pending_forget_;  // cache keys to drop when Redis is back
  bool pending_overflowed_ = false;          // too many: drop every cached session instead
  std::atomic<bool> forget_failing_{false};  // logged once per outage
  schema::AuthSchema tables_;
  SessionPolicy policy_;
  Clock clock_;
};

}  // namespace vibework::auth
