#pragma once
// The auth pieces the reference service serves (issue 11 is in progress): users and sessions in
// MySQL, password hashing, cookies and trusted origins, behind Better-Auth's routes.
// Created after the infrastructure, declared before the router: it outlives the routes.
#include "vibework/app/app_config.hpp"
#include "vibework/auth/origins.hpp"
#include "vibework/auth/password_hasher.hpp"
#include "vibework/auth/session_cookies.hpp"
#include "vibework/auth/session_store.hpp"
#include "vibework/auth/user_store.hpp"
#include "vibework/http/router.hpp"

namespace vibework::app {

struct AuthService {
  AuthService(const AppConfig& config, mysql::Database& db);

  const auth::Config& config;
  auth::SessionStore sessions;
  auth::UserStore users;
  auth::PasswordHasher hasher;
  auth::SessionCookies cookies;
  auth::TrustedOrigins origins;
  bool production;
};

// Better-Auth's routes under AUTH_BASE_PATH; any other path below it answers 404.
void register_auth_routes(http::Router& router, AuthService& auth);

}  // namespace vibework::app
