#pragma once
// Better-Auth's cookies: their names, when they are secure, how the Cookie header is read and
// how each Set-Cookie header is written, exactly as Better-Auth 1.7 does, so a browser moving
// between a Node service and vibework keeps its session.
//
//   auto names = auth::CookieNames::make(auth::secure_cookies(auth_url, production));
//   auto token = auth::find_cookie(request.header("Cookie"), names.session_token);
//   response.insert("Set-Cookie", auth::set_cookie({.name = names.session_token, .value = signed,
//                                                   .max_age = 604800s, .secure = names.secure}));
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace vibework::auth {

// Secure when the base URL is https, else when running in production (Better-Auth's rules 3-4).
bool secure_cookies(std::string_view base_url, bool production) noexcept;

struct CookieNames {
  bool secure = false;
  std::string session_token;  // better-auth.session_token, __Secure-better-auth.session_token
  std::string session_data;   // the optional cookie cache
  std::string dont_remember;  // set when rememberMe is false

  // `prefix` is Better-Auth's advanced.cookiePrefix; __Secure- goes in front of it when secure.
  static CookieNames make(bool secure, std::string_view prefix = "better-auth");
};

// The value of the first cookie called `name` in a Cookie header: surrounding double quotes
// stripped, then percent-decoded when it contains '%' (kept as sent when that is malformed).
std::optional<std::string> find_cookie(std::string_view cookie_header, std::string_view name);

enum class SameSite { lax, strict, none };

struct SetCookie {
  std::string name{};
  std::string value{};                            // already encoded (sign_cookie_value does it)
  std::optional<std::chrono::seconds> max_age{};  // none: a browser-session cookie
  std::string domain{};                           // empty: no Domain attribute
  bool secure = false;
  SameSite same_site = SameSite::lax;
};

// "name=value; Max-Age=N; Domain=d; Path=/; HttpOnly; Secure; SameSite=Lax", in Better-Auth's
// order. Throws InvalidArgumentError for a Max-Age above 400 days, as Better-Auth does.
std::string set_cookie(const SetCookie& cookie);

// The Set-Cookie header that deletes `name`: empty value, Max-Age=0, the same attributes.
std::string delete_cookie(std::string_view name, bool secure, std::string_view domain = {});

}  // namespace vibework::auth
