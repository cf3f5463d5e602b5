#include "vibework/app/auth_service.hpp"

#include "vibework/auth/session_routes.hpp"

namespace vibework::app {

AuthService::AuthService(const AppConfig& config, mysql::Database& db)
    : store(db),
      cookies(config.get<auth::Config>(), config.production()),
      origins(config.get<auth::Config>().base_url, config.get<auth::Config>().trusted_origins),
      base_path(config.get<auth::Config>().base_path) {}

void register_auth_routes(http::Router& router, AuthService& auth) {
  auth::register_session_routes(router, {auth.base_path, auth.store, auth.cookies, auth.origins});
}

}  // namespace vibework::app
