#include "vibework/auth/session_store.hpp"

#include <array>
#include <functional>

#include <spdlog/spdlog.h>

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "vibework/auth/random_token.hpp"
#include "vibework/auth/wire.hpp"

namespace vibework::auth {

namespace {
std::string cache_key(std::string_view token) { return "auth:session:" + std::string(token); }
}  // namespace

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

void SessionStore::cache_in(redis::Cache& cache, std::chrono::seconds ttl) {
  cache_ = &cache;
  cache_ttl_ = ttl;
}

namespace {
std::int64_t epoch_ms(TimePoint t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

std::string session_body(const schema::Session& session, const schema::User& user) {
  return boost::json::serialize(boost::json::object{{"session", session_json(session)}, {"user", user_json(user)}});
}

std::string cache_value(const schema::Session& session, const schema::User& user) {
  return std::to_string(epoch_ms(session.expires_at)) + "\n" + session_body(session, user);
}

// A cache value's expiry and body; nullopt when it is not one (then it is reloaded).
std::optional<std::pair<TimePoint, std::string_view>> split_value(std::string_view value) {
  const auto newline = value.find('\n');
  if (newline == std::string_view::npos || newline == 0) return std::nullopt;
  std::int64_t ms = 0;
  for (char c : value.substr(0, newline)) {
    if (c < '0' || c > '9') return std::nullopt;
    ms = ms * 10 + (c - '0');
  }
  return std::pair{TimePoint{std::chrono::milliseconds(ms)}, value.substr(newline + 1)};
}

std::optional<FoundSession> parse_session_body_once(std::string_view body) {
  boost::system::error_code ec;
  unsigned char buffer[4096];  // the body is small: parsed without allocating, dropped whole
  boost::json::monotonic_resource scratch(buffer, sizeof(buffer));
  const auto json = boost::json::parse(body, ec, &scratch);
  if (ec || !json.is_object()) return std::nullopt;
  const auto* s = json.as_object().if_contains("session");
  const auto* u = json.as_object().if_contains("user");
  if (s == nullptr || u == nullptr) return std::nullopt;
  auto session = session_from_json(*s);
  auto user = user_from_json(*u);
  if (!session || !user) return std::nullopt;
  return FoundSession{std::move(*session), std::move(*user), false};
}
}  // namespace

// A parse is a function of the body's bytes alone, so each thread remembers its last few: a
// client's repeated requests parse its session once. Redis (or MySQL) still answers every
// request, so a changed or revoked session is seen at once (different bytes, or none).
std::optional<FoundSession> parse_session_body(std::string_view body) {
  struct Remembered {
    std::string body;
    FoundSession found;
  };
  constexpr std::size_t slots = 64;
  thread_local std::array<std::optional<Remembered>, slots> remembered;
  auto& slot = remembered[std::hash<std::string_view>{}(body) % slots];
  if (slot && slot->body == body) return slot->found;
  auto found = parse_session_body_once(body);
  if (found) slot = Remembered{std::string(body), *found};
  return found;
}

awaitable<std::optional<std::string>> SessionStore::load(std::string token) {
  auto& sessions = tables_.session;
  auto& users = tables_.user;
  auto session = co_await db_.select(sessions).where(sessions.token == token).first();
  if (!session) co_return std::nullopt;
  auto user = co_await db_.select(users).where(users.id == session->user_id).first();
  if (!user) co_return std::nullopt;  // the user went (ON DELETE CASCADE takes the row too)
  co_return cache_value(*session, *user);
}

awaitable<std::optional<PresentedJson>> SessionStore::present_json(std::string token, PresentOptions options) {
  std::optional<std::string> value;
  if (cache_ != nullptr && !options.authoritative) {
    auto loader = [this, &token]() { return load(token); };
    value = co_await cache_->get_or_load_text(cache_key(token), cache_ttl_, loader);
  } else {
    value = co_await load(token);
    if (!value && cache_ != nullptr) co_await forget_token(token);  // a stale entry, if any, goes too
  }
  if (!value) co_return std::nullopt;
  auto parts = split_value(*value);
  if (!parts) {  // not ours (an older format): read MySQL and replace it
    co_await forget_token(token);
    value = co_await load(token);
    parts = value ? split_value(*value) : std::nullopt;
    if (!parts) co_return std::nullopt;
  }
  auto& sessions = tables_.session;
  const auto t = now();
  const auto verdict = policy_.on_presented(parts->first, t, options.dont_remember, options.disable_refresh);
  if (verdict == Presented::expired) {
    co_await db_.remove(sessions).where(sessions.token == token).execute();
    co_await forget_token(std::move(token));
    co_return std::nullopt;
  }
  if (verdict == Presented::keep) {
    PresentedJson kept{std::string(parts->second), parts->first, false};
    co_return kept;
  }
  auto found = parse_session_body(parts->second);
  if (!found) co_return std::nullopt;
  found->session.expires_at = policy_.refreshed_expiry(t);
  found->session.updated_at = t;
  co_await db_.update(sessions)
      .set(sessions.expires_at = found->session.expires_at, sessions.updated_at = t)
      .where(sessions.id == found->session.id)
      .execute();
  co_await forget_token(std::move(token));  // the next read caches the new expiry
  PresentedJson slid{session_body(found->session, found->user), found->session.expires_at, true};
  co_return slid;
}

awaitable<std::optional<FoundSession>> SessionStore::present(std::string token, PresentOptions options) {
  auto presented = co_await present_json(std::move(token), options);
  if (!presented) co_return std::nullopt;
  auto found = parse_session_body(presented->body);
  if (!found) co_return std::nullopt;
  found->refreshed = presented->refreshed;
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
  co_await forget_token(std::move(token));
  co_return removed > 0;
}

awaitable<bool> SessionStore::revoke_id(std::string session_id) {
  auto& sessions = tables_.session;
  auto session = co_await db_.select(sessions).where(sessions.id == session_id).first();
  if (!session) co_return false;
  co_return co_await revoke(std::move(session->token));
}

awaitable<void> SessionStore::probe() {
  auto& sessions = tables_.session;
  const std::string none;
  (void)co_await db_.select(sessions).where(sessions.token == none).first();
}

awaitable<bool> SessionStore::revoke_own(std::string token, std::string user_id) {
  auto& sessions = tables_.session;
  const auto removed =
      co_await db_.remove(sessions).where(sessions.token == token && sessions.user_id == user_id).execute();
  if (removed > 0) co_await forget_token(std::move(token));
  co_return removed > 0;
}

awaitable<std::uint64_t> SessionStore::revoke_all(std::string user_id, std::optional<std::string> keep_token) {
  auto& sessions = tables_.session;
  auto tokens = co_await tokens_of(user_id);  // before the rows go: the cache entries to drop
  std::uint64_t removed = 0;
  if (keep_token) {
    std::erase(tokens, *keep_token);
    removed = co_await db_.remove(sessions).where(sessions.user_id == user_id && sessions.token != *keep_token).execute();
  } else {
    removed = co_await db_.remove(sessions).where(sessions.user_id == user_id).execute();
  }
  co_await forget(std::move(tokens));
  co_return removed;
}

awaitable<void> SessionStore::forget_user(std::string user_id) {
  if (cache_ == nullptr) co_return;
  co_await forget(co_await tokens_of(user_id));
}

awaitable<std::vector<std::string>> SessionStore::tokens_of(const std::string& user_id) {
  std::vector<std::string> tokens;
  if (cache_ == nullptr) co_return tokens;
  auto& sessions = tables_.session;
  for (auto& s : co_await db_.select(sessions).where(sessions.user_id == user_id).all()) tokens.push_back(std::move(s.token));
  co_return tokens;
}

awaitable<void> SessionStore::forget_token(std::string token) {
  std::vector<std::string> one;  // named: GCC 12 mis-compiles a braced list inside co_await
  one.push_back(std::move(token));
  co_await forget(std::move(one));
}

namespace {
constexpr std::size_t pending_forget_limit = 100'000;
}

awaitable<void> SessionStore::forget(std::vector<std::string> tokens) {
  if (cache_ == nullptr || tokens.empty()) co_return;
  std::vector<std::string> keys;
  for (const auto& t : tokens) keys.push_back(cache_key(t));
  try {
    (void)co_await cache_->invalidate(redis::KeyList(keys));
  } catch (const std::exception& e) {
    // Redis is down: reads go to MySQL meanwhile; the entries are dropped when it is back.
    if (!forget_failing_.exchange(true)) {
      spdlog::warn("auth: Redis is unavailable ({}); revoked sessions are dropped from its cache when it is back",
                   e.what());
    }
    std::lock_guard lock(pending_mutex_);
    if (pending_forget_.size() + keys.size() > pending_forget_limit) {
      pending_overflowed_ = true;
      pending_forget_.clear();
    } else if (!pending_overflowed_) {
      pending_forget_.insert(pending_forget_.end(), keys.begin(), keys.end());
    }
  }
}

awaitable<void> SessionStore::retry_forgetting() {
  std::vector<std::string> keys;
  bool everything = false;
  {
    std::lock_guard lock(pending_mutex_);
    keys.swap(pending_forget_);
    everything = std::exchange(pending_overflowed_, false);
  }
  if (keys.empty() && !everything) co_return;
  try {
    if (everything) {
      // More revocations than we kept: no cached session can be trusted, drop them all.
      auto& client = cache_->client();
      const auto all = co_await client.scan_all(cache_->prefix() + "auth:session:*");
      if (!all.empty()) (void)co_await client.del(redis::KeyList(all));
    }
    for (std::size_t i = 0; i < keys.size(); i += 500) {
      const std::vector<std::string> batch(keys.begin() + static_cast<std::ptrdiff_t>(i),
                                           keys.begin() + static_cast<std::ptrdiff_t>(std::min(keys.size(), i + 500)));
      (void)co_await cache_->invalidate(redis::KeyList(batch));
    }
    if (forget_failing_.exchange(false)) spdlog::info("auth: Redis is back; the sessions revoked meanwhile are dropped from its cache");
  } catch (const std::exception&) {
    std::lock_guard lock(pending_mutex_);  // still down: keep them for the next try
    pending_overflowed_ = pending_overflowed_ || everything;
    if (!pending_overflowed_) pending_forget_.insert(pending_forget_.end(), keys.begin(), keys.end());
  }
}

awaitable<std::uint64_t> SessionStore::delete_expired() {
  auto& sessions = tables_.session;
  const auto t = now();
  co_return co_await db_.remove(sessions).where(sessions.expires_at < t).execute();
}

}  // namespace vibework::auth
