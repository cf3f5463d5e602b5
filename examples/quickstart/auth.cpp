// Auth: the C++ side of the Better-Auth-compatible component (the HTTP routes are in the README).
#include "examples.hpp"

namespace quickstart {

namespace auth = vibework::auth;
namespace http = vibework::http;
namespace schema = vibework::schema;

awaitable<void> auth_example(auth::Auth& auth, http::Router& router, std::string run_id) {
  // snippet:auth
  // A user with a password, as POST /api/auth/sign-up/email creates one (Argon2id, off the I/O threads)
  auth::NewUser ada{.name = "Ada", .email = run_id + "@example.com"};
  std::string hash = co_await auth.hasher().hash("correct horse battery staple");
  schema::User user = co_await auth.users().create(std::move(ada), std::move(hash));

  // A session for the user, and the signed cookie a browser would send back
  schema::Session session = co_await auth.create_session(user.id);
  const std::string set_cookie = auth.cookies().issue(session.token, true).front();
  http::Request request;
  request.message.set("Cookie", set_cookie.substr(0, set_cookie.find(';')));

  // Who is calling? (nullopt when signed out)
  std::optional<auth::SignedIn> who = co_await auth.get_session(request);
  expect(who && who->user.id == user.id, "the cookie to name the user's session");

  // A route only signed-in users reach; others get 401 {"code":"UNAUTHORIZED",...}
  router.get("/me", auth.require_session([](http::Request&, const auth::SignedIn& caller) -> awaitable<http::Response> {
    co_return http::json_response(http::Status::ok, auth::user_json(caller.user));
  }));

  // Sign the session out
  co_await auth.delete_session(session.id);
  expect(!co_await auth.get_session(request), "no session after delete_session");
  // snippet-end

  auto match = router.match(http::Verb::get, "/me", request.params);
  expect(match.handler != nullptr, "the /me route");
  bool refused = false;
  try {
    (void)co_await (*match.handler)(request);
  } catch (const http::HttpError& e) {
    refused = e.status() == http::Status::unauthorized;
  }
  expect(refused, "401 from /me once the session is gone");
  co_await auth.users().remove(user.id);
}

}  // namespace quickstart
