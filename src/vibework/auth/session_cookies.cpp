#include "vibework/auth/session_cookies.hpp"

#include "vibework/auth/signed_cookie.hpp"
#include "vibework/infra/errors.hpp"

namespace vibework::auth {

SessionCookies::SessionCookies(const Config& config, bool production, SessionPolicy policy)
    : names_(CookieNames::make(secure_cookies(config.base_url, production))),
      secrets_(config.secrets),
      policy_(policy) {
  if (secrets_.empty()) {
    throw infra::ConfigError("auth", "no secret to sign session cookies with", "set AUTH_SECRET");
  }
}

std::optional<std::string> SessionCookies::signed_cookie(const http::Request& request, const std::string& name) const {
  const auto value = find_cookie(request.header("Cookie"), name);
  if (!value) return std::nullopt;
  return unsign_cookie_value(*value, secrets_);
}

std::optional<std::string> SessionCookies::token(const http::Request& request) const {
  return signed_cookie(request, names_.session_token);
}

bool SessionCookies::dont_remember(const http::Request& request) const {
  return signed_cookie(request, names_.dont_remember).has_value();
}

std::vector<std::string> SessionCookies::issue(const std::string& token, bool remember_me) const {
  std::vector<std::string> out;
  SetCookie session{.name = names_.session_token, .value = sign_cookie_value(token, secrets_.front()),
                    .secure = names_.secure};
  if (remember_me) session.max_age = policy_.expires_in;
  out.push_back(set_cookie(session));
  if (!remember_me) {
    SetCookie forget{.name = names_.dont_remember, .value = sign_cookie_value("true", secrets_.front()),
                     .secure = names_.secure};
    out.push_back(set_cookie(forget));
  }
  return out;
}

std::string SessionCookies::refresh(const std::string& token) const {
  return set_cookie({.name = names_.session_token, .value = sign_cookie_value(token, secrets_.front()),
                     .max_age = policy_.expires_in, .secure = names_.secure});
}

std::vector<std::string> SessionCookies::clear() const {
  return {delete_cookie(names_.session_token, names_.secure), delete_cookie(names_.session_data, names_.secure),
          delete_cookie(names_.dont_remember, names_.secure)};
}

}  // namespace vibework::auth
