#include "vibework/auth/session_routes.hpp"

#include <algorithm>
#include <cctype>

#include <spdlog/spdlog.h>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "vibework/auth/endpoint.hpp"
#include "vibework/auth/request_body.hpp"
#include "vibework/auth/session_guard.hpp"
#include "vibework/auth/text.hpp"
#include "vibework/infra/html.hpp"
#include "vibework/auth/wire.hpp"
#include "vibework/http/response.hpp"

namespace vibework::auth {

namespace {
// revoke-session's {"token": string}, with Better-Auth's (zod's) answers to a bad body.
std::string token_from_body(const http::Request& req) {
  const auto body = read_body(req, required_body);
  BodyFields fields(body);
  auto token = fields.required_string("token");
  fields.finish();
  return token;
}

// {"status":true}, the revoke routes' answer.
http::Response status_true() { return http::json_response(http::Status::ok, boost::json::object{{"status", true}}); }

// /error's code: Better-Auth keeps [A-Za-z0-9_'-]+ and calls anything else UNKNOWN.
std::string error_code(std::string decoded) {
  const bool safe = !decoded.empty() && std::all_of(decoded.begin(), decoded.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '\'' || c == '-';
  });
  return safe ? decoded : "UNKNOWN";
}

http::Response error_page(const http::Request& req, bool production) {
  const auto code = error_code(query_value(req, "error"));
  const auto description = query_value(req, "error_description");
  if (production) {
    http::Response res{http::Status::found, 11};
    res.set(http::beast_http::field::location, "/?error=" + code);
    res.prepare_payload();
    return res;
  }
  std::string html = "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Error</title></head><body><h1>" +
                     infra::html_escape(code) + "</h1>";
  if (!description.empty()) html += "<p>" + infra::html_escape(description) + "</p>";
  html += "</body></html>";
  return http::text_response(http::Status::ok, "text/html", std::move(html));
}

// z.coerce.boolean(): any non-empty value is true, "false" included.
bool coerced_true(std::string_view query_value) { return !query_value.empty(); }
}  // namespace

void register_session_routes(AuthRouter& router, SessionRoutes r) {
  router.get("/ok", [](http::Request&) -> awaitable<http::Response> {
    co_return http::json_response(http::Status::ok, boost::json::object{{"ok", true}});
  });

  router.get("/error", [production = r.production](http::Request& req) -> awaitable<http::Response> {
    co_return error_page(req, production);
  });

  router.get("/get-session", [r](http::Request& req) -> awaitable<http::Response> {
    std::optional<PresentedJson> found;
    bool stale_cookie = false, stale_cache = false;
    const bool dont_remember = r.cookies.dont_remember(req);
    std::string token;
    if (auto signed_token = r.cookies.token(req)) {
      token = std::move(*signed_token);
      // The session_data cookie (when enabled and not bypassed) answers without the stores.
      if (r.cookie_cache != nullptr && r.cookie_cache->enabled() && !coerced_true(req.query("disableCookieCache"))) {
        if (auto cached = r.cookie_cache->read(req, token, r.store.now())) {
          auto res = http::json_response(http::Status::ok,
                                         boost::json::object{{"session", session_json(cached->session)},
                                                             {"user", user_json(cached->user)}});
          no_store(res);
          co_return res;
        }
        stale_cache = r.cookie_cache->present(req);  // present but rejected: expire it
      }
      PresentOptions options{.dont_remember = dont_remember,
                             .disable_refresh = coerced_true(req.query("disableRefresh"))};
      found = co_await r.store.present_json(token, options);
      stale_cookie = !found;  // signed, but the session is gone or expired
    }
    // The body as the store (or its cache) has it: Better-Auth's JSON, sent as it is.
    auto res = found ? http::text_response(http::Status::ok, "application/json", found->body)
                     : http::json_response(http::Status::ok, nullptr);
    no_store(res);
    if (found && found->refreshed) add_cookies(res, {r.cookies.refresh(token)});
    if (stale_cookie) add_cookies(res, r.cookies.clear());
    if (found && r.cookie_cache != nullptr && r.cookie_cache->enabled()) {
      const auto parsed = parse_session_body(found->body);
      std::optional<std::string> cache;
      if (parsed) cache = r.cookie_cache->issue(parsed->session, parsed->user, !dont_remember, r.store.now());
      if (cache) {
        add_cookies(res, {*cache});
      } else if (stale_cache) {
        add_cookies(res, {r.cookie_cache->clear()});
      }
    }
    co_return res;
  });

  // Better-Auth answers POST only when session.deferSessionRefresh is configured; it is not here.
  router.post("/get-session", [](http::Request&) -> awaitable<http::Response> {
    throw auth_error(http::Status::method_not_allowed, "METHOD_NOT_ALLOWED_DEFER_SESSION_REQUIRED");
    co_return http::Response{};
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
  router.post("/sign-out", origin_checked(r.origins, std::move(sign_out)));

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
  router.get("/list-sessions", require_session(r.cookies, r.store, std::move(list)));

  // The body is validated before the session is looked at (400 before 401, as Better-Auth).
  auto revoke_one = [r](http::Request& req) -> awaitable<http::Response> {
    auto token = token_from_body(req);
    const auto caller = co_await authenticate(r.cookies, r.store, req, SessionCheck::authoritative);
    (void)co_await r.store.revoke_own(std::move(token), caller.who.user.id);  // foreign or unknown: ignored
    auto res = status_true();
    with_refreshed_cookie(res, r.cookies, caller);
    co_return res;
  };
  auto revoke_all = [r](http::Request&, const SignedIn& who) -> awaitable<http::Response> {
    (void)co_await r.store.revoke_all(who.user.id);  // the current one too; its cookies stay
    co_return status_true();
  };
  auto revoke_others = [r](http::Request&, const SignedIn& who) -> awaitable<http::Response> {
    (void)co_await r.store.revoke_all(who.user.id, who.session.token);
    co_return status_true();
  };
  router.post("/revoke-session",
              origin_checked(r.origins, std::move(revoke_one)));
  // sensitiveSessionMiddleware: MySQL decides, not the cache.
  router.post("/revoke-sessions", origin_checked(r.origins, require_session(r.cookies, r.store, std::move(revoke_all),
                                                                            SessionCheck::authoritative)));
  router.post("/revoke-other-sessions",
              origin_checked(r.origins, require_session(r.cookies, r.store, std::move(revoke_others),
                                                        SessionCheck::authoritative)));
}

}  // namespace vibework::auth
