#pragma once
// CookieCache: Better-Auth's optional session_data cookie (facts file §3.4, "compact"
// strategy), off by default as in Better-Auth. The session and user ride in a signed cookie for
// `max_age` seconds, so get-session answers without Redis or MySQL; the price is that a revoked
// session stays visible to get-session until its cookie cache expires.
//
//   value = base64url(JSON {"session": {session, user, updatedAt, version}, "expiresAt", "signature"})
//   signature = base64url(HMAC-SHA256(secret, JSON.stringify({session, user, updatedAt, version, expiresAt})))
//
// The JSON is written and re-serialised as JavaScript's JSON.stringify does (key order kept), so
// a cookie minted by a Node Better-Auth server sharing the secret verifies here, and back.
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "vibework/auth/cookies.hpp"
#include "vibework/auth/session_policy.hpp"
#include "vibework/http/request.hpp"
#include "vibework/schema/session.hpp"
#include "vibework/schema/user.hpp"

namespace vibework::auth {

struct CookieCacheOptions {
  bool enabled = false;                 // AUTH_COOKIE_CACHE
  std::chrono::seconds max_age{300};    // AUTH_COOKIE_CACHE_MAX_AGE
  std::string version = "1";            // cookieCache.version
};

struct CachedInCookie {
  schema::Session session;
  schema::User user;
};

class CookieCache {
 public:
  CookieCache(CookieCacheOptions options, CookieNames names, std::vector<std::string> secrets);

  bool enabled() const noexcept { return options_.enabled; }
  // The Set-Cookie for a session just read or issued; nullopt when disabled or the value would
  // need chunking (over 4050 bytes: then get-session reads the session from the stores).
  std::optional<std::string> issue(const schema::Session& session, const schema::User& user, bool remember_me,
                                   TimePoint now) const;
  // The cached session when the request's session_data cookie is valid, unexpired, and names
  // `token` (the request's session token); nullopt otherwise (read the stores instead).
  std::optional<CachedInCookie> read(const http::Request& request, std::string_view token, TimePoint now) const;
  // Whether the request carries a session_data cookie at all (a rejected one is expired).
  bool present(const http::Request& request) const;
  // Set-Cookie that deletes it.
  std::string clear() const;

 private:
  CookieCacheOptions options_;
  CookieNames names_;
  std::vector<std::string> secrets_;
};

}  // namespace vibework::auth
