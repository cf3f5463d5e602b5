#pragma once
// The auth part: Better-Auth 1.7's email/password server side as one component, started after
// MySQL and Redis and before HTTP. It owns the user and session stores (MySQL), the Redis
// session cache and rate limits, the password-hashing pool, the cookies and the trusted
// origins; it serves Better-Auth's routes and offers the original's C++ API.
//
//   auto auth = lifecycle.add(std::make_shared<auth::Auth>(config, production, *mysql, redis.get()));
//   auth->register_routes(router);                                   // /api/auth/*
//   router.get("/me", auth->require_session([](http::Request&, const auth::SignedIn& who)
//                                               -> awaitable<http::Response> { ... }));
//   auto who = co_await auth->get_session(request);                  // nullopt: signed out
//   auto session = co_await auth->create_session(user_id);
//   co_await auth->delete_session(session.id);
#include <memory>
#include <optional>
#include <string>

#include "vibework/auth/auth_metrics.hpp"
#include "vibework/auth/config.hpp"
#include "vibework/auth/cookie_cache.hpp"
#include "vibework/auth/email_sender.hpp"
#include "vibework/auth/origins.hpp"
#include "vibework/auth/password_hasher.hpp"
#include "vibework/auth/rate_limiter.hpp"
#include "vibework/auth/session_cookies.hpp"
#include "vibework/auth/session_guard.hpp"
#include "vibework/auth/session_store.hpp"
#include "vibework/auth/user_store.hpp"
#include "vibework/auth/verification_store.hpp"
#include "vibework/auth/wire.hpp"
#include "vibework/http/router.hpp"
#include "vibework/infra/component.hpp"
#include "vibework/mysql/database.hpp"
#include "vibework/redis/client.hpp"

namespace vibework::infra {
class PeriodicTask;
}
namespace vibework::mail {
class Mailer;
}

namespace vibework::auth {

class Auth final : public infra::Component {
 public:
  // `redis` may be null: sessions from MySQL alone, rate limits counted in the process.
  // `mailer` may be null: no email flows (their routes answer as Better-Auth without a sender).
  // `db`, `redis` and `mailer` must outlive this component (the lifecycle starts them first).
  Auth(Config config, bool production, mysql::Database& db, redis::Client* redis, mail::Mailer* mailer = nullptr);
  ~Auth() override;

  std::string_view name() const override { return "auth"; }
  awaitable<void> start() override;  // the periodic sweep of expired sessions
  awaitable<void> stop() override;   // ends the sweep, waits for hashes in progress
  std::vector<infra::HealthCheck> checks() override;

  // Better-Auth's routes under AUTH_BASE_PATH; any other path below it answers 404.
  void register_routes(http::Router& router);

  // The caller's session and user (nullopt when signed out or the cookie is not ours).
  awaitable<std::optional<SignedIn>> get_session(const http::Request& request);
  // A new session for a user (e.g. after a sign-in of your own); set its cookie with cookies().
  awaitable<schema::Session> create_session(std::string user_id, NewSession options);
  awaitable<schema::Session> create_session(std::string user_id) { return create_session(std::move(user_id), NewSession()); }
  // Ends one session by its id; false when there was none.
  awaitable<bool> delete_session(std::string session_id);
  // `hook` runs after auth's routes change a user (update-user, email changes and verification,
  // deletion): the application drops what it cached of that user. Register before serving.
  void on_user_changed(UserChangedHook hook) { user_changed_.push_back(std::move(hook)); }
  // `recorder` runs inside the transaction of every user write (sign-up, update-user, email
  // changes and verification, deletion), e.g. to write a user.* event to an outbox in the same
  // commit; when it throws the write rolls back. One recorder; set it before serving.
  void on_user_event(UserEventRecorder recorder) { users_.on_user_event(std::move(recorder)); }
  // The route guard: 401 UNAUTHORIZED JSON without a session, else the handler with it.
  http::Handler require_session(GuardedHandler handler);

  const Config& config() const noexcept { return config_; }
  SessionStore& sessions() noexcept { return sessions_; }
  UserStore& users() noexcept { return users_; }
  VerificationStore& verifications() noexcept { return verifications_; }
  PasswordHasher& hasher() noexcept { return hasher_; }
  // auth_* (sign-ins, sign-ups, rate limits, the hasher) and the session cache's cache_*{cache="sessions"}
  // in `registry` (which must outlive auth). Call before register_routes().
  void attach_metrics(infra::metrics::Registry& registry);
  const SessionCookies& cookies() const noexcept { return cookies_; }
  const TrustedOrigins& origins() const noexcept { return origins_; }

 private:
  Config config_;
  bool production_;
  std::unique_ptr<redis::Cache> cache_;
  SessionStore sessions_;
  UserStore users_;
  VerificationStore verifications_;
  EmailSender email_sender_;
  PasswordHasher hasher_;
  SessionCookies cookies_;
  TrustedOrigins origins_;
  CookieCache cookie_cache_;
  RateLimiter limiter_;
  AuthMetrics metrics_;
  UserChangedHooks user_changed_;
  std::unique_ptr<infra::PeriodicTask> sweep_;
  std::unique_ptr<infra::PeriodicTask> forget_retry_;  // cache entries an outage kept us from dropping
};

}  // namespace vibework::auth
