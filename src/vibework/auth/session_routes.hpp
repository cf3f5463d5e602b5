#pragma once
// The session routes of Better-Auth's HTTP API under the configured base path (/api/auth):
// GET ok, GET get-session, POST sign-out, GET list-sessions, POST revoke-session,
// revoke-sessions and revoke-other-sessions — same status codes, headers, cookies and JSON as
// Better-Auth 1.7 (facts file §2.4-2.9, §2.19).
#include "vibework/auth/origins.hpp"
#include "vibework/auth/session_cookies.hpp"
#include "vibework/auth/session_store.hpp"
#include "vibework/http/router.hpp"

namespace vibework::auth {

struct SessionRoutes {
  std::string base_path;  // "/api/auth"
  SessionStore& store;
  const SessionCookies& cookies;
  const TrustedOrigins& origins;
};

// The routes capture `routes` by value; the store, cookies and origins must outlive the router.
void register_session_routes(http::Router& router, SessionRoutes routes);

}  // namespace vibework::auth
