#include "vibework/auth/session_guard.hpp"

#include "vibework/auth/wire.hpp"

namespace vibework::auth {

awaitable<Authenticated> authenticate(const SessionCookies& cookies, SessionStore& store, const http::Request& req,
                                      SessionCheck check) {
  auto token = cookies.token(req);
  if (!token) throw auth_error(http::Status::unauthorized, "UNAUTHORIZED");
  PresentOptions options{.dont_remember = cookies.dont_remember(req), .authoritative = check == SessionCheck::authoritative};
  auto found = co_await store.present(std::move(*token), options);
  if (!found) throw auth_error(http::Status::unauthorized, "UNAUTHORIZED");
  Authenticated caller{SignedIn{std::move(found->session), std::move(found->user)}, found->refreshed};
  co_return caller;
}

void with_refreshed_cookie(http::Response& res, const SessionCookies& cookies, const Authenticated& caller) {
  if (caller.refreshed) res.insert(http::beast_http::field::set_cookie, cookies.refresh(caller.who.session.token));
}

http::Handler require_session(const SessionCookies& cookies, SessionStore& store, GuardedHandler handler,
                              SessionCheck check) {
  return [&cookies, &store, handler = std::move(handler), check](http::Request& req) -> awaitable<http::Response> {
    const auto caller = co_await authenticate(cookies, store, req, check);
    auto res = co_await handler(req, caller.who);
    with_refreshed_cookie(res, cookies, caller);
    co_return res;
  };
}

}  // namespace vibework::auth
