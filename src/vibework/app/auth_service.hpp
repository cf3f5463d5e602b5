#pragma once
// The auth pieces the reference service serves today (issue 11 is in progress): sessions in
// MySQL, their cookies and the trusted origins, behind Better-Auth's session routes.
// Created after the infrastructure, declared before the router: it outlives the routes.
#include "vibework/app/app_config.hpp"
#include "vibework/auth/origins.hpp"
#include "vibework/auth/session_cookies.hpp"
#include "vibework/auth/session_store.hpp"
#include "vibework/http/router.hpp"

namespace vibework::app {

struct AuthService {
  AuthService(const AppConfig& config, mysql::Database& db);

  auth::SessionStore store;
  auth::SessionCookies cookies;
  auth::TrustedOrigins origins;
  std::string base_path;
};

// Better-Auth's session routes under {base}: ok, get-session, sign-out, list-sessions, revoke-*.
void register_auth_routes(http::Router& router, AuthService& auth);

}  // namespace vibework::app
