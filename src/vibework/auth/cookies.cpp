#include "vibework/auth/cookies.hpp"

#include <fmt/format.h>

#include "vibework/auth/text.hpp"
#include "vibework/infra/errors.hpp"

namespace vibework::auth {

namespace {
constexpr std::chrono::seconds max_cookie_age{400LL * 24 * 3600};  // 34560000, the browsers' cap

std::string_view to_string(SameSite s) noexcept {
  switch (s) {
    case SameSite::strict: return "Strict";
    case SameSite::none: return "None";
    case SameSite::lax: break;
  }
  return "Lax";
}
}  // namespace

bool secure_cookies(std::string_view base_url, bool production) noexcept {
  if (base_url.starts_with("https://")) return true;
  if (base_url.starts_with("http://")) return false;
  return production;
}

CookieNames CookieNames::make(bool secure, std::string_view prefix) {
  const std::string start = (secure ? "__Secure-" : "") + std::string(prefix) + ".";
  return {secure, start + "session_token", start + "session_data", start + "dont_remember"};
}

std::optional<std::string> find_cookie(std::string_view header, std::string_view name) {
  while (!header.empty()) {
    const auto end = header.find(';');
    const std::string_view pair = header.substr(0, end);
    header = end == std::string_view::npos ? std::string_view() : header.substr(end + 1);
    const auto eq = pair.find('=');
    if (eq == std::string_view::npos || trim(pair.substr(0, eq)) != name) continue;
    std::string_view value = trim(pair.substr(eq + 1));
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') value = value.substr(1, value.size() - 2);
    return percent_decode(value);
  }
  return std::nullopt;
}

std::string set_cookie(const SetCookie& c) {
  std::string out = c.name + "=" + c.value;
  if (c.max_age) {
    if (*c.max_age > max_cookie_age) {
      throw infra::InvalidArgumentError("auth", fmt::format("cookie {} would live {} s", c.name, c.max_age->count()),
                                        "browsers cap Max-Age at 34560000 s (400 days): lower the session lifetime");
    }
    out += fmt::format("; Max-Age={}", c.max_age->count());
  }
  if (!c.domain.empty()) out += "; Domain=" + c.domain;
  out += "; Path=/; HttpOnly";
  if (c.secure) out += "; Secure";
  out += "; SameSite=";
  out += to_string(c.same_site);
  return out;
}

std::string delete_cookie(std::string_view name, bool secure, std::string_view domain) {
  return set_cookie({.name = std::string(name), .value = "", .max_age = std::chrono::seconds(0),
                     .domain = std::string(domain), .secure = secure});
}

}  // namespace vibework::auth
