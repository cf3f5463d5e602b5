#pragma once
// What every Better-Auth endpoint does around its handler (facts file §1.1, §7.1): the global
// origin check of cookie-carrying writes, the check of callbackURL-type fields, the form-CSRF
// rule of sign-in/sign-up, and the response helpers (no-store, Set-Cookie lists).
//
//   router.post(base + "/sign-out", auth::origin_checked(origins, handler));
//   auto body = auth::read_body(req);
//   auth::check_callback_urls(body, origins);     // 403 INVALID_CALLBACK_URL, ...
#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "vibework/auth/config.hpp"
#include "vibework/auth/origins.hpp"
#include "vibework/auth/rate_limit_rules.hpp"
#include "vibework/auth/session_store.hpp"
#include "vibework/http/request.hpp"
#include "vibework/http/response.hpp"
#include "vibework/http/router.hpp"

namespace vibework::auth {

// Registers Better-Auth routes below the base path. Every one first refuses the paths
// Better-Auth's router does not match ("//" inside, a trailing slash): 404 with an empty body,
// as for any other path below the base (not_found_elsewhere()).
class RateLimiter;
class SessionCookies;

// What every route below the base path gets besides its handler (each part optional).
struct AuthRouterOptions {
  RateLimiter* limiter = nullptr;           // counted first, unknown paths included (Better-Auth's order)
  const SessionCookies* cookies = nullptr;  // bearer tokens: set-auth-token beside a session cookie
  const TrustedOrigins* cors = nullptr;     // CORS for trusted origins, preflight answered
};

class AuthRouter {
 public:
  AuthRouter(http::Router& router, std::string base_path, AuthRouterOptions options = {})
      : router_(router), base_(std::move(base_path)), options_(options) {}
  void get(std::string_view path, http::Handler h) { add(http::Verb::get, path, std::move(h)); }
  void post(std::string_view path, http::Handler h) { add(http::Verb::post, path, std::move(h)); }
  void add(http::Verb method, std::string_view path, http::Handler h);
  // Any method on any unregistered path below the base: 404, empty body (no 405 either); and
  // OPTIONS anywhere below the base: the CORS preflight.
  void not_found_elsewhere();
  const std::string& base_path() const noexcept { return base_; }

 private:
  http::Handler guarded(http::Handler h) const;

  http::Router& router_;
  std::string base_;
  AuthRouterOptions options_;
};

// A route of a group whose handlers are `(const Routes&, Request&)` functions: the group's
// references are copied into the handler (they must outlive the router).
template <typename Routes>
http::Handler bind_route(const Routes& r, awaitable<http::Response> (*handler)(const Routes&, http::Request&)) {
  return [r, handler](http::Request& req) -> awaitable<http::Response> { co_return co_await handler(r, req); };
}

// Better-Auth's 404: no body at all.
http::Response empty_not_found();

OriginHeaders origin_headers(const http::Request& req);

// The global check: a write that carries cookies must come from a trusted origin (403).
void check_origin(const http::Request& req, const TrustedOrigins& origins);
// sign-in/sign-up's fetch-metadata rule (403 CROSS_SITE_NAVIGATION_LOGIN_BLOCKED, ...).
void check_form_csrf(const http::Request& req, const TrustedOrigins& origins);
// callbackURL, redirectTo, errorCallbackURL and newUserCallbackURL in the body: trusted or a
// safe relative path, else 403 INVALID_CALLBACK_URL (...); a non-string is 400.
void check_callback_urls(const boost::json::object& body, const TrustedOrigins& origins);

// Better-Auth's global origin check runs before the endpoint (and its session check).
http::Handler origin_checked(const TrustedOrigins& origins, http::Handler inner);

void no_store(http::Response& res);
void add_cookies(http::Response& res, const std::vector<std::string>& cookies);

// A query parameter, percent-decoded with '+' as a space (as URLSearchParams reads it); the raw
// value when it is malformed, "" when absent.
std::string query_value(const http::Request& req, std::string_view name);

// The socket peer's address without its port ("203.0.113.7", "::1").
std::string peer_address(const http::Request& req);
// The client's address: the peer, or from X-Forwarded-For when the peer is a trusted proxy.
std::string client_address(const http::Request& req, const TrustedProxies& proxies);

// 400 PASSWORD_TOO_SHORT / PASSWORD_TOO_LONG outside the configured limits (UTF-16 units).
void check_password_length(const std::string& password, const Config& config);
// The options of a session created for this request: remember-me, client address, user agent.
NewSession new_session(const http::Request& req, const Config& config, bool remember_me);

// JavaScript's string length: UTF-16 code units of UTF-8 text (Better-Auth's password limits).
std::size_t utf16_length(std::string_view utf8);

}  // namespace vibework::auth
