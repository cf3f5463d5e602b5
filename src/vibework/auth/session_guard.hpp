#pragma once
// require_session: the route guard the application's handlers sit behind (the original's
// requireSession). A request without a valid session gets 401 {"code":"UNAUTHORIZED",
// "message":"Unauthorized"}, as Better-Auth's sessionMiddleware answers; otherwise the handler
// runs with the session and its user, and a session due for its daily slide gets its cookie.
//
//   router.get("/me", auth::require_session(cookies, store,
//       [](http::Request&, const auth::SignedIn& who) -> awaitable<http::Response> {
//         co_return http::json_response(http::Status::ok, auth::user_json(who.user));
//       }));
#include <functional>

#include "vibework/auth/session_cookies.hpp"
#include "vibework/auth/session_store.hpp"
#include "vibework/http/router.hpp"

namespace vibework::auth {

struct SignedIn {
  schema::Session session;
  schema::User user;
};

// The signed-in caller, or 401 UNAUTHORIZED. For handlers that validate their body first (as
// Better-Auth does: a bad body is 400 before a missing session is 401). `refreshed`: the
// session slid just now, the response must re-issue its cookie (see with_refreshed_cookie).
struct Authenticated {
  SignedIn who;
  bool refreshed = false;
};
// `cached`: Better-Auth's sessionMiddleware (the Redis cache may answer); `authoritative`: its
// sensitiveSessionMiddleware (revoke-*, change-password, delete-user read MySQL).
enum class SessionCheck { cached, authoritative };
awaitable<Authenticated> authenticate(const SessionCookies& cookies, SessionStore& store, const http::Request& req,
                                      SessionCheck check = SessionCheck::cached);
void with_refreshed_cookie(http::Response& res, const SessionCookies& cookies, const Authenticated& caller);

using GuardedHandler = std::function<awaitable<http::Response>(http::Request&, const SignedIn&)>;

// `cookies` and `store` must outlive the router the handler is registered on.
http::Handler require_session(const SessionCookies& cookies, SessionStore& store, GuardedHandler handler,
                              SessionCheck check = SessionCheck::cached);

}  // namespace vibework::auth
