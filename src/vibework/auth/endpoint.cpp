#include "vibework/auth/endpoint.hpp"

#include <array>

#include "vibework/auth/rate_limiter.hpp"
#include "vibework/auth/session_cookies.hpp"
#include "vibework/auth/text.hpp"
#include "vibework/auth/wire.hpp"
#include "vibework/http/http_error.hpp"

namespace vibework::auth {

namespace {
bool routable(std::string_view path) { return path.find("//") == std::string_view::npos && !path.ends_with('/'); }
}  // namespace

http::Response empty_not_found() {
  http::Response res{http::Status::not_found, 11};
  res.prepare_payload();
  return res;
}

namespace {
// Better-Auth's bearer plugin: a response that sets a live session cookie also carries the
// signed token for clients that cannot keep cookies.
void add_bearer_token(http::Response& res, const SessionCookies& cookies) {
  const auto [first, last] = res.equal_range(http::beast_http::field::set_cookie);
  for (auto it = first; it != last; ++it) {
    if (auto token = cookies.bearer_for(it->value())) {
      res.set("set-auth-token", *token);
      res.set(http::beast_http::field::access_control_expose_headers, "set-auth-token");
      return;
    }
  }
}

// Better-Auth sends no CORS headers (the host framework must); a cross-origin client of a
// trusted origin needs them, with credentials.
void add_cors(http::Response& res, const http::Request& req, const TrustedOrigins& origins) {
  const auto origin = req.header("Origin");
  if (origin.empty() || !origins.allows(origin)) return;
  res.set(http::beast_http::field::access_control_allow_origin, origin);
  res.set(http::beast_http::field::access_control_allow_credentials, "true");
  res.set(http::beast_http::field::vary, "Origin");
  res.set(http::beast_http::field::access_control_expose_headers, "set-auth-token");
}

http::Response preflight(const http::Request& req, const TrustedOrigins* origins) {
  http::Response res{http::Status::no_content, 11};
  if (origins != nullptr && origins->allows(req.header("Origin"))) {
    const auto requested = req.header("Access-Control-Request-Headers");
    res.set(http::beast_http::field::access_control_allow_methods, "GET, POST, OPTIONS");
    res.set(http::beast_http::field::access_control_allow_headers,
            requested.empty() ? std::string_view("Content-Type, Authorization") : requested);
    res.set(http::beast_http::field::access_control_max_age, "600");
  }
  res.prepare_payload();
  return res;
}

}  // namespace

http::Handler AuthRouter::guarded(http::Handler h) const {
  return [h = std::move(h), o = options_, base = base_.size()](http::Request& req) -> awaitable<http::Response> {
    std::optional<http::Response> res;
    if (o.limiter != nullptr && req.method() != http::Verb::options) res = co_await o.limiter->check(req, req.path().substr(base));
    if (!res && !routable(req.path())) res = empty_not_found();
    if (!res) res = co_await h(req);
    if (o.cookies != nullptr && o.cookies->bearer()) add_bearer_token(*res, *o.cookies);
    if (o.cors != nullptr) add_cors(*res, req, *o.cors);
    co_return std::move(*res);
  };
}

void AuthRouter::add(http::Verb method, std::string_view path, http::Handler h) {
  router_.add(method, base_ + std::string(path), guarded(std::move(h)));
}

void AuthRouter::not_found_elsewhere() {
  const auto none = guarded([](http::Request&) -> awaitable<http::Response> { co_return empty_not_found(); });
  for (auto method : {http::Verb::get, http::Verb::post, http::Verb::put, http::Verb::patch, http::Verb::delete_}) {
    router_.add(method, base_ + "/*", none);
  }
  router_.add(http::Verb::options, base_ + "/*", guarded([cors = options_.cors](http::Request& req) -> awaitable<http::Response> {
    co_return preflight(req, cors);
  }));
}

OriginHeaders origin_headers(const http::Request& req) {
  return OriginHeaders{.method = http::beast_http::to_string(req.method()),
                       .has_cookie = !req.header("Cookie").empty(),
                       .origin = req.header("Origin"),
                       .referer = req.header("Referer"),
                       .sec_fetch_site = req.header("Sec-Fetch-Site"),
                       .sec_fetch_mode = req.header("Sec-Fetch-Mode"),
                       .sec_fetch_dest = req.header("Sec-Fetch-Dest")};
}

void check_origin(const http::Request& req, const TrustedOrigins& origins) {
  if (const auto code = origin_check(origin_headers(req), origins); !code.empty()) {
    throw auth_error(http::Status::forbidden, code);
  }
}

void check_form_csrf(const http::Request& req, const TrustedOrigins& origins) {
  if (const auto code = form_csrf_check(origin_headers(req), origins); !code.empty()) {
    throw auth_error(http::Status::forbidden, code);
  }
}

void check_callback_urls(const boost::json::object& body, const TrustedOrigins& origins) {
  struct Field {
    std::string_view key, code, label;
  };
  static constexpr std::array fields{Field{"callbackURL", "INVALID_CALLBACK_URL", "callbackURL"},
                                     Field{"redirectTo", "INVALID_REDIRECT_URL", "redirectURL"},
                                     Field{"errorCallbackURL", "INVALID_ERROR_CALLBACK_URL", "errorCallbackURL"},
                                     Field{"newUserCallbackURL", "INVALID_NEW_USER_CALLBACK_URL", "newUserCallbackURL"}};
  for (const auto& f : fields) {
    const auto* v = body.if_contains(f.key);
    if (v == nullptr) continue;
    if (!v->is_string()) {
      throw http::HttpError(http::Status::bad_request, "VALIDATION_ERROR",
                            "Invalid " + std::string(f.label) + ": expected a string");
    }
    if (!origins.allows_callback(v->as_string())) throw auth_error(http::Status::forbidden, f.code);
  }
}

http::Handler origin_checked(const TrustedOrigins& origins, http::Handler inner) {
  return [&origins, inner = std::move(inner)](http::Request& req) -> awaitable<http::Response> {
    check_origin(req, origins);
    co_return co_await inner(req);
  };
}

void no_store(http::Response& res) {
  res.set(http::beast_http::field::cache_control, "no-store");
  res.set(http::beast_http::field::pragma, "no-cache");
}

void add_cookies(http::Response& res, const std::vector<std::string>& cookies) {
  for (const auto& c : cookies) res.insert(http::beast_http::field::set_cookie, c);
}

std::string query_value(const http::Request& req, std::string_view name) {
  std::string raw(req.query(name));
  for (auto& c : raw) if (c == '+') c = ' ';
  return percent_decode(raw);
}

std::string peer_address(const http::Request& req) {
  std::string_view remote = req.remote;
  if (remote.starts_with('[')) remote.remove_prefix(1);  // "[::1]:port"
  const auto colon = remote.rfind(':');
  if (colon == std::string_view::npos || remote == "unknown") return {};
  auto address = remote.substr(0, colon);
  if (address.ends_with(']')) address.remove_suffix(1);
  return std::string(address);
}

std::string client_address(const http::Request& req, const TrustedProxies& proxies) {
  return client_address(peer_address(req), req.header("X-Forwarded-For"), proxies);
}

// Better-Auth's length limits, counted as JavaScript counts (UTF-16 code units).
void check_password_length(const std::string& password, const Config& config) {
  const auto length = utf16_length(password);
  if (length < config.min_password_length) throw auth_error(http::Status::bad_request, "PASSWORD_TOO_SHORT");
  if (length > config.max_password_length) throw auth_error(http::Status::bad_request, "PASSWORD_TOO_LONG");
}

NewSession new_session(const http::Request& req, const Config& config, bool remember_me) {
  return NewSession{.remember_me = remember_me,
                    .ip = client_address(req, config.trusted_proxies),
                    .user_agent = std::string(req.header("User-Agent"))};
}

std::size_t utf16_length(std::string_view utf8) {
  std::size_t units = 0;
  for (const unsigned char c : utf8) {
    if ((c & 0xC0) == 0x80) continue;  // a continuation byte
    units += c >= 0xF0 ? 2 : 1;        // four-byte sequences are surrogate pairs in UTF-16
  }
  return units;
}

}  // namespace vibework::auth
