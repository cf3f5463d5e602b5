#include "vibework/auth/session_store.hpp"

#include "vibework/auth/random_token.hpp"

namespace vibework::auth {

SessionStore::SessionStore(mysql::Database& db, SessionPolicy policy, Clock clock)
    : db_(db), tables_(db.config()), policy_(policy), clock_(std::move(clock)) {}

awaitable<schema::Session> SessionStore::create(std::string user_id, NewSession options) {
  const auto t = now();
  schema::Session s;
  s.id = random_token();
  s.token = random_token();
  s.expires_at = policy_.new_expiry(t, options.remember_me);
  s.created_at = t;
  s.updated_at = t;
  s.ip_address = std::move(options.ip);
  s.user_agent = std::move(options.user_agent);
  s.user_id = std::move(user_id);
  auto& sessions = tables_.session;
  co_await db_.insert(sessions).values(s).execute();
  co_return s;
}

awaitable<std::optional<FoundSession>> SessionStore::present(std::string token, PresentOptions options) {
  auto& sessions = tables_.session;
  auto& users = tables_.user;
  auto session = co_await db_.select(sessions).where(sessions.token == token).first();
  if (!session) co_return std::nullopt;
  const auto t = now();
  const auto verdict = policy_.on_presented(session->expires_at, t, options.dont_remember, options.disable_refresh);
  if (verdict == Presented::expired) {
    co_await db_.remove(sessions).where(sessions.id == session->id).execute();
    co_return std::nullopt;
  }
  auto user = co_await db_.select(users).where(users.id == session->user_id).first();
  if (!user) co_return std::nullopt;  // the user went (ON DELETE CASCADE takes the row too)
  FoundSession found{std::move(*session), std::move(*user), false};
  if (verdict == Presented::refresh) {
    found.session.expires_at = policy_.refreshed_expiry(t);
    found.session.updated_at = t;
    co_await db_.update(sessions)
        .set(sessions.expires_at = found.session.expires_at, sessions.updated_at = t)
        .where(sessions.id == found.session.id)
        .execute();
    found.refreshed = true;
  }
  co_return found;
}

awaitable<std::vector<schema::Session>> SessionStore::list_for_user(std::string user_id) {
  auto& sessions = tables_.session;
  const auto t = now();
  co_return co_await db_.select(sessions)
      .where(sessions.user_id == user_id && sessions.expires_at > t)
      .order_by(sessions.created_at.asc())
      .all();
}

awaitable<bool> SessionStore::revoke(std::string token) {
  auto& sessions = tables_.session;
  const auto removed = co_await db_.remove(sessions).where(sessions.token == token).execute();
  co_return removed > 0;
}

awaitable<bool> SessionStore::revoke_own(std::string token, std::string user_id) {
  auto& sessions = tables_.session;
  const auto removed =
      co_await db_.remove(sessions).where(sessions.token == token && sessions.user_id == user_id).execute();
  co_return removed > 0;
}

awaitable<std::uint64_t> SessionStore::revoke_all(std::string user_id, std::optional<std::string> keep_token) {
  auto& sessions = tables_.session;
  if (keep_token) {
    co_return co_await db_.remove(sessions).where(sessions.user_id == user_id && sessions.token != *keep_token).execute();
  }
  co_return co_await db_.remove(sessions).where(sessions.user_id == user_id).execute();
}

awaitable<std::uint64_t> SessionStore::delete_expired() {
  auto& sessions = tables_.session;
  const auto t = now();
  co_return co_await db_.remove(sessions).where(sessions.expires_at < t).execute();
}

}  // namespace vibework::auth
