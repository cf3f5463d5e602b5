#include "vibework/auth/session_routes.hpp"

#include <spdlog/spdlog.h>

#include <boost/json/object.hpp>

#include "vibework/auth/wire.hpp"
#include "vibework/http/response.hpp"

namespace vibework::auth {

namespace {
void no_store(http::Response& res) {
  res.set(http::beast_http::field::cache_control, "no-store");
  res.set(http::beast_http::field::pragma, "no-cache");
}

void add_cookies(http::Response& res, const std::vector<std::string>& cookies) {
  for (const auto& c : cookies) res.insert(http::beast_http::field::set_cookie, c);
}

// The global origin check: a write that carries cookies must come from a trusted origin.
void check_origin(const http::Request& req, const TrustedOrigins& origins) {
  OriginHeaders h{.method = http::beast_http::to_string(req.method()),
                  .has_cookie = !req.header("Cookie").empty(),
                  .origin = req.header("Origin"),
                  .referer = req.header("Referer")};
  if (const auto code = origin_check(h, origins); !code.empty()) throw auth_error(http::Status::forbidden, code);
}

// z.coerce.boolean(): any non-empty value is true, "false" included.
bool coerced_true(std::string_view query_value) { return !query_value.empty(); }
}  // namespace

void register_session_routes(http::Router& router, SessionRoutes r) {
  router.get(r.base_path + "/ok", [](http::Request&) -> awaitable<http::Response> {
    co_return http::json_response(http::Status::ok, boost::json::object{{"ok", true}});
  });

  router.get(r.base_path + "/get-session", [r](http::Request& req) -> awaitable<http::Response> {
    std::optional<FoundSession> found;
    bool stale_cookie = false;
    if (auto token = r.cookies.token(req)) {
      PresentOptions options{.dont_remember = r.cookies.dont_remember(req),
                             .disable_refresh = coerced_true(req.query("disableRefresh"))};
      found = co_await r.store.present(std::move(*token), options);
      stale_cookie = !found;  // signed, but the session is gone or expired
    }
    auto res = found ? http::json_response(http::Status::ok,
                                           boost::json::object{{"session", session_json(found->session)},
                                                               {"user", user_json(found->user)}})
                     : http::json_response(http::Status::ok, nullptr);
    no_store(res);
    if (found && found->refreshed) add_cookies(res, {r.cookies.refresh(found->session.token)});
    if (stale_cookie) add_cookies(res, r.cookies.clear());
    co_return res;
  });

  router.post(r.base_path + "/sign-out", [r](http::Request& req) -> awaitable<http::Response> {
    check_origin(req, r.origins);
    if (auto token = r.cookies.token(req)) {
      try {
        (void)co_await r.store.revoke(std::move(*token));
      } catch (const std::exception& e) {  // as Better-Auth: the cookies go regardless
        spdlog::warn("auth: sign-out could not delete its session: {}", e.what());
      }
    }
    auto res = http::json_response(http::Status::ok, boost::json::object{{"success", true}});
    add_cookies(res, r.cookies.clear());
    co_return res;
  });
}

}  // namespace vibework::auth
