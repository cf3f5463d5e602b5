#pragma once
// The session routes of Better-Auth's HTTP API under the configured base path (/api/auth):
// GET ok, GET error, GET get-session, POST sign-out, GET list-sessions, POST revoke-session,
// revoke-sessions and revoke-other-sessions — same status codes, headers, cookies and JSON as
// Better-Auth 1.7 (facts file §2.4-2.9, §2.19).
#include "vibework/auth/origins.hpp"
#include "vibework/auth/session_cookies.hpp"
#include "vibework/auth/session_store.hpp"
#include "vibework/auth/cookie_cache.hpp"
#include "vibework/auth/endpoint.hpp"

namespace vibework::auth {

struct SessionRoutes {
  SessionStore& store;
  const SessionCookies& cookies;
  const TrustedOrigins& origins;
  bool production = false;  // GET error redirects to /?error= instead of showing a page
  const CookieCache* cookie_cache = nullptr;  // the optional session_data cookie
};

// The routes capture `routes` by value; the store, cookies and origins must outlive the router.
void register_session_routes(AuthRouter& router, SessionRoutes routes);

}  // namespace vibework::auth
