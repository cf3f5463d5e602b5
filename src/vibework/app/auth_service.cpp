#include "vibework/app/auth_service.hpp"

#include <thread>

#include "vibework/auth/account_routes.hpp"
#include "vibework/auth/endpoint.hpp"
#include "vibework/auth/session_routes.hpp"

namespace vibework::app {

namespace {
auth::HasherOptions hasher_options(const auth::Config& c) {
  const std::size_t cores = std::max(1u, std::thread::hardware_concurrency());
  return {.threads = c.hash_threads == 0 ? cores : c.hash_threads, .queue_limit = c.hash_queue_limit, .argon2 = c.argon2};
}
}  // namespace

AuthService::AuthService(const AppConfig& app_config, mysql::Database& db)
    : config(app_config.get<auth::Config>()),
      sessions(db, config.session),
      users(db),
      hasher(hasher_options(config)),
      cookies(config, app_config.production(), config.session),
      origins(config.base_url, config.trusted_origins),
      production(app_config.production()) {}

void register_auth_routes(http::Router& router, AuthService& auth) {
  auth::AuthRouter routes(router, auth.config.base_path);
  auth::register_session_routes(routes, {auth.sessions, auth.cookies, auth.origins, auth.production});
  auth::register_account_routes(routes, {auth.users, auth.sessions, auth.hasher, auth.cookies, auth.origins, auth.config});
  routes.not_found_elsewhere();
}

}  // namespace vibework::app
