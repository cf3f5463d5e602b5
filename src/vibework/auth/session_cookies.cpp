#include "vibework/auth/session_cookies.hpp"

#include <algorithm>
#include <cctype>

#include "vibework/auth/signed_cookie.hpp"
#include "vibework/auth/text.hpp"
#include "vibework/infra/errors.hpp"

namespace vibework::auth {

SessionCookies::SessionCookies(const Config& config, bool production, SessionPolicy policy)
    : names_(CookieNames::make(secure_cookies(config.base_url, production))),
      secrets_(config.secrets),
      policy_(policy),
      bearer_(config.bearer) {
  if (secrets_.empty()) {
    throw infra::ConfigError("auth", "no secret to sign session cookies with", "set AUTH_SECRET");
  }
}

std::optional<std::string> SessionCookies::signed_cookie(const http::Request& request, const std::string& name) const {
  const auto value = find_cookie(request.header("Cookie"), name);
  if (!value) return std::nullopt;
  return unsign_cookie_value(*value, secrets_);
}

namespace {
bool alphanumeric(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)); });
}
}  // namespace

std::optional<std::string> SessionCookies::token(const http::Request& request) const {
  if (auto value = find_cookie(request.header("Cookie"), names_.session_token)) return unsign_cookie_value(*value, secrets_);
  if (!bearer_) return std::nullopt;
  // Better-Auth's bearer plugin: the scheme in any case; a signed value, or the raw token.
  const auto authorization = request.header("Authorization");
  if (authorization.size() <= 7 || ascii_lower(authorization.substr(0, 7)) != "bearer ") return std::nullopt;
  const auto credential = trim(authorization.substr(7));
  if (credential.find('.') == std::string_view::npos) {
    if (!alphanumeric(credential)) return std::nullopt;
    return std::string(credential);
  }
  return unsign_cookie_value(percent_decode(credential), secrets_);
}

std::optional<std::string> SessionCookies::bearer_for(std::string_view set_cookie_value) const {
  if (!bearer_ || !set_cookie_value.starts_with(names_.session_token + "=")) return std::nullopt;
  auto value = set_cookie_value.substr(names_.session_token.size() + 1);
  const auto attributes = value.find(';');
  const auto rest = attributes == std::string_view::npos ? std::string_view() : value.substr(attributes);
  value = value.substr(0, attributes);
  if (value.empty() || rest.find("Max-Age=0") != std::string_view::npos) return std::nullopt;
  return percent_decode(value);
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
