#include "vibework/auth/session_routes.hpp"

#include <spdlog/spdlog.h>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>

#include "vibework/auth/session_guard.hpp"
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

// Better-Auth's global origin check runs before the endpoint (and its session check).
http::Handler origin_checked(const TrustedOrigins& origins, http::Handler inner) {
  return [&origins, inner = std::move(inner)](http::Request& req) -> awaitable<http::Response> {
    check_origin(req, origins);
    co_return co_await inner(req);
  };
}

// revoke-session's {"token": string}, with Better-Auth's (zod's) answers to a bad body.
std::string token_from_body(const http::Request& req) {
  boost::system::error_code ec;
  const auto body = boost::json::parse(req.body().empty() ? std::string_view("{}") : std::string_view(req.body()), ec);
  if (ec) throw http::HttpError(http::Status::bad_request, "BAD_REQUEST", "Invalid JSON in request body");
  const auto* token = body.is_object() ? body.as_object().if_contains("token") : nullptr;
  if (token == nullptr || !token->is_string()) {
    const std::string received = token == nullptr ? "undefined" : token->is_number() ? "number" : "object";
    throw http::HttpError(http::Status::bad_request, "VALIDATION_ERROR",
                          "[body.token] Invalid input: expected string, received " + received);
  }
  return std::string(token->as_string());
}

// {"status":true}, the revoke routes' answer.
http::Response status_true() { return http::json_response(http::Status::ok, boost::json::object{{"status", true}}); }

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

  auto sign_out = [r](http::Request& req) -> awaitable<http::Response> {
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
  };
  router.post(r.base_path + "/sign-out", origin_checked(r.origins, std::move(sign_out)));

  // freshSessionMiddleware: only a session younger than freshAge lists the others.
  auto list = [r](http::Request&, const SignedIn& who) -> awaitable<http::Response> {
    if (!r.store.policy().is_fresh(who.session.created_at, r.store.now())) {
      throw auth_error(http::Status::forbidden, "SESSION_NOT_FRESH");
    }
    const auto sessions = co_await r.store.list_for_user(who.user.id);
    boost::json::array out;
    for (const auto& s : sessions) out.push_back(session_json(s));
    co_return http::json_response(http::Status::ok, out);
  };
  router.get(r.base_path + "/list-sessions", require_session(r.cookies, r.store, std::move(list)));

  auto revoke_one = [r](http::Request& req, const SignedIn& who) -> awaitable<http::Response> {
    auto token = token_from_body(req);
    (void)co_await r.store.revoke_own(std::move(token), who.user.id);  // foreign or unknown: ignored
    co_return status_true();
  };
  auto revoke_all = [r](http::Request&, const SignedIn& who) -> awaitable<http::Response> {
    (void)co_await r.store.revoke_all(who.user.id);  // the current one too; its cookies stay
    co_return status_true();
  };
  auto revoke_others = [r](http::Request&, const SignedIn& who) -> awaitable<http::Response> {
    (void)co_await r.store.revoke_all(who.user.id, who.session.token);
    co_return status_true();
  };
  router.post(r.base_path + "/revoke-session",
              origin_checked(r.origins, require_session(r.cookies, r.store, std::move(revoke_one))));
  router.post(r.base_path + "/revoke-sessions",
              origin_checked(r.origins, require_session(r.cookies, r.store, std::move(revoke_all))));
  router.post(r.base_path + "/revoke-other-sessions",
              origin_checked(r.origins, require_session(r.cookies, r.store, std::move(revoke_others))));
}

}  // namespace vibework::auth
