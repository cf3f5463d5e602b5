#include "vibework/auth/auth.hpp"

#include <spdlog/spdlog.h>

#include "vibework/auth/account_routes.hpp"
#include "vibework/auth/email_routes.hpp"
#include "vibework/auth/endpoint.hpp"
#include "vibework/auth/session_routes.hpp"
#include "vibework/infra/async/periodic_task.hpp"
#include "vibework/infra/process_limits.hpp"
#include "vibework/redis/cache.hpp"

namespace vibework::auth {

namespace {
HasherOptions hasher_options(const Config& c) {
  const std::size_t cores = infra::usable_cores();
  return {.threads = c.hash_threads == 0 ? cores : c.hash_threads, .queue_limit = c.hash_queue_limit, .argon2 = c.argon2};
}

RateLimitOptions limiter_options(const Config& c, bool production) {
  return {.enabled = c.rate_limit, .default_rule = c.rate_limit_rule, .production = production,
          .proxies = c.trusted_proxies, .key_prefix = "auth:rate:"};
}
}  // namespace

Auth::Auth(Config config, bool production, mysql::Database& db, redis::Client* redis, mail::Mailer* mailer)
    : config_(std::move(config)),
      production_(production),
      cache_(redis != nullptr && config_.session_cache_ttl.count() > 0 ? std::make_unique<redis::Cache>(*redis)
                                                                      : nullptr),
      sessions_(db, config_.session),
      users_(db),
      verifications_(db),
      email_sender_(config_, db, verifications_, mailer),
      hasher_(hasher_options(config_)),
      cookies_(config_, production, config_.session),
      origins_(config_.base_url, config_.trusted_origins),
      cookie_cache_({.enabled = config_.cookie_cache, .max_age = config_.cookie_cache_max_age}, cookies_.names(),
                    config_.secrets),
      limiter_(limiter_options(config_, production), redis) {
  if (cache_) sessions_.cache_in(*cache_, config_.session_cache_ttl);
}

Auth::~Auth() = default;

awaitable<void> Auth::start() {
  if (config_.session_sweep_interval.count() > 0) {
    auto work = [this]() -> awaitable<void> {
      const auto removed = co_await sessions_.delete_expired();
      const auto tokens = co_await verifications_.delete_expired();
      if (removed + tokens > 0) spdlog::info("auth: deleted {} expired session(s), {} expired token(s)", removed, tokens);
    };
    sweep_ = std::make_unique<infra::PeriodicTask>(co_await asio::this_coro::executor,
                                                   config_.session_sweep_interval, "auth: expired-session sweep",
                                                   std::move(work));
    sweep_->start();
  }
  if (cache_) {
    auto retry = [this]() -> awaitable<void> { co_await sessions_.retry_forgetting(); };
    forget_retry_ = std::make_unique<infra::PeriodicTask>(co_await asio::this_coro::executor, std::chrono::seconds(1),
                                                          "auth: dropping revoked sessions from Redis", std::move(retry));
    forget_retry_->start();
  }
  spdlog::info("auth: {} (sessions cached in Redis: {}, rate limits: {})", config_.describe(),
               cache_ ? "yes" : "no", config_.rate_limit ? "on" : "off");
  co_return;
}

awaitable<void> Auth::stop() {
  if (sweep_) co_await sweep_->stop();
  if (forget_retry_) co_await forget_retry_->stop();
  hasher_.stop();
}

std::vector<infra::HealthCheck> Auth::checks() {
  return {{"auth", "session table, " + config_.base_path, [this] { return sessions_.probe(); },
           "run `vibework migrate` (the Better-Auth tables must exist); check MYSQL_* and MYSQL_COLUMN_NAMING"}};
}

void Auth::attach_metrics(infra::metrics::Registry& registry) {
  metrics_.attach(registry);
  limiter_.set_refusal_counter(metrics_.rate_limited);
  hasher_.attach_metrics(registry);
  if (cache_) cache_->attach_metrics(registry, "sessions");
}

void Auth::register_routes(http::Router& router) {
  AuthRouter routes(router, config_.base_path, {.limiter = &limiter_, .cookies = &cookies_, .cors = &origins_});
  register_session_routes(routes, {sessions_, cookies_, origins_, production_, &cookie_cache_});
  register_account_routes(routes, {users_, sessions_, hasher_, cookies_, origins_, config_, &cookie_cache_, &email_sender_,
                                   &verifications_, &user_changed_, &metrics_});
  register_email_routes(routes,
                        {users_, sessions_, verifications_, hasher_, cookies_, origins_, config_, email_sender_, &user_changed_});
  routes.not_found_elsewhere();
}

awaitable<std::optional<SignedIn>> Auth::get_session(const http::Request& request) {
  auto token = cookies_.token(request);
  if (!token) co_return std::nullopt;
  PresentOptions options{.dont_remember = cookies_.dont_remember(request)};
  auto found = co_await sessions_.present(std::move(*token), options);
  if (!found) co_return std::nullopt;
  co_return SignedIn{std::move(found->session), std::move(found->user)};
}

awaitable<schema::Session> Auth::create_session(std::string user_id, NewSession options) {
  co_return co_await sessions_.create(std::move(user_id), std::move(options));
}

awaitable<bool> Auth::delete_session(std::string session_id) { return sessions_.revoke_id(std::move(session_id)); }

http::Handler Auth::require_session(GuardedHandler handler) {
  return auth::require_session(cookies_, sessions_, std::move(handler));
}

}  // namespace vibework::auth
