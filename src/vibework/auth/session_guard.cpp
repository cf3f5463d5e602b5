#include "vibework/auth/session_guard.hpp"

#include "vibework/auth/wire.hpp"

namespace vibework::auth {

http::Handler require_session(const SessionCookies& cookies, SessionStore& store, GuardedHandler handler) {
  return [&cookies, &store, handler = std::move(handler)](http::Request& req) -> awaitable<http::Response> {
    auto token = cookies.token(req);
    if (!token) throw auth_error(http::Status::unauthorized, "UNAUTHORIZED");
    PresentOptions options{.dont_remember = cookies.dont_remember(req)};
    auto found = co_await store.present(std::move(*token), options);
    if (!found) throw auth_error(http::Status::unauthorized, "UNAUTHORIZED");
    const SignedIn who{std::move(found->session), std::move(found->user)};
    auto res = co_await handler(req, who);
    if (found->refreshed) res.insert(http::beast_http::field::set_cookie, cookies.refresh(who.session.token));
    co_return res;
  };
}

}  // namespace vibework::auth
