#pragma once
// Better-Auth's trusted origins and its CSRF rules (facts file §7.1), as pure functions of the
// request's headers, so they are tested without a server and applied by the routes.
//
//   auth::TrustedOrigins trusted("http://localhost:3000", {"https://*.example.com", "myapp://"});
//   trusted.allows("https://app.example.com/x");   // true: the glob matches the origin
//   trusted.allows_callback("/dashboard?tab=1");   // true: a safe relative path
//   auto code = auth::origin_check(headers, trusted);   // "" or "INVALID_ORIGIN", ...
#include <string>
#include <string_view>
#include <vector>

namespace vibework::auth {

class TrustedOrigins {
 public:
  // `base_url` is AUTH_URL (its origin is trusted); `patterns` AUTH_TRUSTED_ORIGINS' entries:
  // exact origins, globs with * and ? (matching the origin when they contain "://", else the
  // host), or custom schemes (myapp://, exp://host/path) matched by scheme, authority and path.
  TrustedOrigins(std::string_view base_url, const std::vector<std::string>& patterns);

  // Whether the absolute URL `url` (an Origin or Referer header, a callback URL) is trusted.
  bool allows(std::string_view url) const;
  // allows(), or a relative path that cannot leave the site (no "//", "\", encoded slashes).
  bool allows_callback(std::string_view value) const;

 private:
  std::vector<std::string> patterns_;
};

// The origin of an absolute http(s) URL, lower-case, without a default port; "" when `url`
// is not one ("null", relative, another scheme).
std::string origin_of(std::string_view url);

// What the origin check reads from a request.
struct OriginHeaders {
  std::string_view method;        // "GET", "POST", ...
  bool has_cookie = false;        // any Cookie header
  std::string_view origin{};      // Origin, empty when absent
  std::string_view referer{};     // Referer, empty when absent
  std::string_view sec_fetch_site{};
  std::string_view sec_fetch_mode{};
  std::string_view sec_fetch_dest{};
};

// Every non-GET/HEAD/OPTIONS request that carries cookies must come from a trusted origin.
// Returns "" when allowed, else Better-Auth's code: MISSING_OR_NULL_ORIGIN or INVALID_ORIGIN.
std::string origin_check(const OriginHeaders& h, const TrustedOrigins& trusted);

// sign-in/email and sign-up/email: the origin check, plus the fetch-metadata rule for requests
// without cookies (a cross-site navigation is blocked; a browser request needs a trusted
// origin; curl and servers, sending neither, pass). "" or CROSS_SITE_NAVIGATION_LOGIN_BLOCKED,
// MISSING_OR_NULL_ORIGIN, INVALID_ORIGIN.
std::string form_csrf_check(const OriginHeaders& h, const TrustedOrigins& trusted);

}  // namespace vibework::auth
