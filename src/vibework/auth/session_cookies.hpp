#pragma once
// SessionCookies: the session_token and dont_remember cookies of one configuration, read from a
// request and written for a response, exactly as Better-Auth 1.7 does (names, signing,
// attributes, remember-me), so a browser keeps its session across vibework and Node services.
//
//   auth::SessionCookies cookies(config, production);
//   if (auto token = cookies.token(request)) { ... store.present(*token) ... }
//   for (auto& c : cookies.issue(session.token, remember_me)) response.insert("Set-Cookie", c);
#include <optional>
#include <string>
#include <vector>

#include "vibework/auth/config.hpp"
#include "vibework/auth/cookies.hpp"
#include "vibework/auth/session_policy.hpp"
#include "vibework/http/request.hpp"

namespace vibework::auth {

class SessionCookies {
 public:
  SessionCookies(const Config& config, bool production, SessionPolicy policy = {});

  // The session token of a signed session_token cookie (any secret of the list); nullopt for
  // no cookie, or one that is unsigned or tampered with (no database query needed to refuse it).
  // With bearer tokens on (AUTH_BEARER), a request without that cookie may carry the token as
  // `Authorization: Bearer <token>.<signature>` (the set-auth-token value) or the raw token.
  std::optional<std::string> token(const http::Request& request) const;
  // The set-auth-token value for a response's Set-Cookie of the session token; nullopt when the
  // cookie deletes the session (or bearer tokens are off).
  std::optional<std::string> bearer_for(std::string_view set_cookie_value) const;
  bool bearer() const noexcept { return bearer_; }
  // Whether the request carries a validly signed dont_remember cookie.
  bool dont_remember(const http::Request& request) const;

  // The Set-Cookie values after sign-in or sign-up: session_token (Max-Age = expiresIn, none
  // without remember-me) and, without remember-me, dont_remember=true.
  std::vector<std::string> issue(const std::string& token, bool remember_me) const;
  // After a sliding refresh: session_token again with Max-Age = expiresIn.
  std::string refresh(const std::string& token) const;
  // After sign-out: every session cookie deleted.
  std::vector<std::string> clear() const;

  const CookieNames& names() const noexcept { return names_; }

 private:
  std::optional<std::string> signed_cookie(const http::Request& request, const std::string& name) const;

  CookieNames names_;
  std::vector<std::string> secrets_;
  SessionPolicy policy_;
  bool bearer_;
};

}  // namespace vibework::auth
