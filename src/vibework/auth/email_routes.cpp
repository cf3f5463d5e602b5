#include "vibework/auth/email_routes.hpp"

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/json/object.hpp>

#include "vibework/auth/account_routes.hpp"
#include "vibework/auth/email.hpp"
#include "vibework/auth/email_token.hpp"
#include "vibework/auth/text.hpp"
#include "vibework/auth/request_body.hpp"
#include "vibework/auth/session_guard.hpp"
#include "vibework/auth/signed_cookie.hpp"
#include "vibework/auth/wire.hpp"
#include "vibework/http/http_error.hpp"
#include "vibework/http/response.hpp"

namespace vibework::auth {

namespace {
// Better-Auth's ctx.redirect: 302, Location, no body.
http::Response redirect(const std::string& location) {
  http::Response res{http::Status::found, 11};
  res.set(http::beast_http::field::location, location);
  res.set(http::beast_http::field::content_type, "application/json");
  res.prepare_payload();
  return res;
}

std::string with_query(const std::string& url, std::string_view key, std::string_view value) {
  return url + (url.find('?') == std::string::npos ? "?" : "&") + std::string(key) + "=" + encode_uri_component(value);
}

// new URL(callbackURL, baseURL): a relative callback is on the base URL's origin.
std::string resolved(const std::string& callback, const Config& config) {
  return callback.starts_with('/') ? origin_of(config.base_url) + callback : callback;
}

// A query callbackURL, checked as the GET endpoints' own middleware does.
std::string checked_callback(const http::Request& req, const TrustedOrigins& origins) {
  auto callback = query_value(req, "callbackURL");
  if (!callback.empty() && !origins.allows_callback(callback)) throw auth_error(http::Status::forbidden, "INVALID_CALLBACK_URL");
  return callback;
}

awaitable<http::Response> verify_email(const EmailRoutes& r, http::Request& req) {
  const auto callback = checked_callback(req, r.origins);
  // Errors go to the callback as ?error=CODE when there is one, else 401 {code, message}.
  const auto fail = [&](std::string_view code) -> http::Response {
    if (!callback.empty()) return redirect(with_query(callback, "error", code));
    throw auth_error(http::Status::unauthorized, code);
  };
  const auto done = [&](boost::json::value user) -> http::Response {
    if (!callback.empty()) return redirect(callback);
    return http::json_response(http::Status::ok, boost::json::object{{"status", true}, {"user", std::move(user)}});
  };

  const auto checked = verify_email_token(query_value(req, "token"), r.config.secrets, r.sessions.now());
  if (!checked.claims) co_return fail(checked.expired ? "TOKEN_EXPIRED" : "INVALID_TOKEN");
  const auto& claims = *checked.claims;
  auto user = co_await r.users.find_by_email(claims.email);
  if (!user) co_return fail("USER_NOT_FOUND");

  if (claims.update_to && claims.request_type == "change-email-verification") {
    auto changed = co_await r.users.set_email(user->id, claims.update_to, true);
    if (!changed) co_return fail("USER_NOT_FOUND");
    co_await r.sessions.forget_user(user->id);
    co_await notify_user_changed(r.user_changed, user->id);
    co_return done(user_json(*changed));
  }
  if (claims.update_to && claims.request_type == "change-email-confirmation") {
    // Confirmed from the old address: now the new one verifies that it is the user's.
    co_await r.sender.change_email_verification(*user, *claims.update_to, callback);
    co_return done(nullptr);
  }
  if (claims.update_to) co_return fail("INVALID_TOKEN");
  if (user->email_verified) co_return done(nullptr);

  (void)co_await r.users.set_email(user->id, std::nullopt, true);
  co_await r.sessions.forget_user(user->id);
  co_await notify_user_changed(r.user_changed, user->id);
  auto res = done(nullptr);
  if (r.config.auto_sign_in_after_verification && !r.cookies.token(req)) {
    const auto options = new_session(req, r.config, true);
    const auto session = co_await r.sessions.create(user->id, options);
    add_cookies(res, r.cookies.issue(session.token, true));
  }
  co_return res;
}

// The mailed link: 302 to the callback with the token when it is good, else with the error.
awaitable<http::Response> reset_password_link(const EmailRoutes& r, http::Request& req) {
  const auto callback = query_value(req, "callbackURL");
  if (callback.empty()) {
    throw http::HttpError(http::Status::bad_request, "VALIDATION_ERROR",
                          "[query.callbackURL] Invalid input: expected string, received undefined");
  }
  if (!r.origins.allows_callback(callback)) throw auth_error(http::Status::forbidden, "INVALID_CALLBACK_URL");
  const std::string token(req.params.get("token"));
  const auto user_id = co_await r.verifications.peek(reset_password_identifier(token));
  const auto target = resolved(callback, r.config);
  co_return redirect(user_id ? with_query(target, "token", token) : with_query(target, "error", "INVALID_TOKEN"));
}

awaitable<http::Response> reset_password(const EmailRoutes& r, http::Request& req) {
  const auto body = read_body(req, required_body);
  check_origin(req, r.origins);
  BodyFields fields(body);
  const auto new_password = fields.required_string("newPassword");
  auto token = fields.optional_string("token");
  fields.finish();
  if (!token || token->empty()) token = query_value(req, "token");
  if (token->empty()) throw auth_error(http::Status::bad_request, "INVALID_TOKEN");
  check_password_length(new_password, r.config);

  const auto user_id = co_await r.verifications.consume(reset_password_identifier(*token));  // once, atomically
  if (!user_id) throw auth_error(http::Status::bad_request, "INVALID_TOKEN");
  const auto user = co_await r.users.find(*user_id);
  if (!user) throw auth_error(http::Status::bad_request, "USER_NOT_FOUND");
  auto hash = co_await r.hasher.hash(new_password);
  co_await r.users.set_or_add_password(user->id, std::move(hash));
  if (r.config.revoke_sessions_on_password_reset) {
    (void)co_await r.sessions.revoke_all(user->id);
  } else {
    co_await r.sessions.forget_user(user->id);
  }
  co_return http::json_response(http::Status::ok, boost::json::object{{"status", true}});
}

// Better-Auth's constant-time floor: an answer about an email never comes sooner than this.
constexpr std::chrono::milliseconds answer_floor{500};

awaitable<void> wait_until(std::chrono::steady_clock::time_point at) {
  asio::steady_timer timer(co_await asio::this_coro::executor, at);
  boost::system::error_code ec;
  co_await timer.async_wait(asio::redirect_error(use_awaitable, ec));
}

// send-verification-email's and request-password-reset's body: {email, <link field>?}, checked
// as Better-Auth does (origin, the link field's URL, zod's email()).
struct EmailRequest {
  std::string email;
  std::string link;  // callbackURL / redirectTo, "" when absent
};
EmailRequest read_email_request(const EmailRoutes& r, const http::Request& req, std::string_view link_field) {
  const auto body = read_body(req, required_body);
  check_origin(req, r.origins);
  check_callback_urls(body, r.origins);
  BodyFields fields(body);
  EmailRequest out{fields.required_string("email"), fields.optional_string(link_field).value_or("")};
  if (body.contains("email") && body.at("email").is_string() && !is_valid_email(out.email)) {
    fields.issue("email", "Invalid email address");
  }
  fields.finish();
  return out;
}

awaitable<http::Response> send_verification_email(const EmailRoutes& r, http::Request& req) {
  const auto started = std::chrono::steady_clock::now();
  const auto [email, callback] = read_email_request(r, req, "callbackURL");
  if (!r.sender.enabled()) throw auth_error(http::Status::bad_request, "VERIFICATION_EMAIL_NOT_ENABLED");
  const auto ok = http::json_response(http::Status::ok, boost::json::object{{"status", true}});

  if (r.cookies.token(req)) {  // signed in: about the caller's own address, errors allowed
    const auto caller = co_await authenticate(r.cookies, r.sessions, req);
    if (ascii_lower(email) != caller.who.user.email) throw auth_error(http::Status::bad_request, "EMAIL_MISMATCH");
    if (caller.who.user.email_verified) throw auth_error(http::Status::bad_request, "EMAIL_ALREADY_VERIFIED");
    co_await r.sender.verification(caller.who.user, callback);
    co_return ok;
  }
  // Signed out: the same answer after the same time, whether or not the address is known.
  if (auto user = co_await r.users.find_by_email(email); user && !user->email_verified) {
    co_await r.sender.verification(*user, callback);
  }
  co_await wait_until(started + answer_floor);
  co_return ok;
}

awaitable<http::Response> request_password_reset(const EmailRoutes& r, http::Request& req) {
  const auto started = std::chrono::steady_clock::now();
  const auto [email, redirect_to] = read_email_request(r, req, "redirectTo");
  if (!r.sender.enabled()) throw auth_error(http::Status::bad_request, "RESET_PASSWORD_DISABLED");
  if (auto user = co_await r.users.find_by_email(email)) co_await r.sender.password_reset(*user, redirect_to);
  co_await wait_until(started + answer_floor);
  co_return http::json_response(
      http::Status::ok,
      boost::json::object{{"status", true},
                          {"message", "If this email exists in our system, check your email for the reset link"}});
}

awaitable<http::Response> change_email(const EmailRoutes& r, http::Request& req) {
  const auto body = read_body(req, required_body);
  check_origin(req, r.origins);
  check_callback_urls(body, r.origins);
  BodyFields fields(body);
  auto new_email = fields.required_string("newEmail");
  if (body.contains("newEmail") && body.at("newEmail").is_string() && !is_valid_email(new_email)) {
    fields.issue("newEmail", "Invalid email address");
  }
  const auto callback = fields.optional_string("callbackURL").value_or("");
  fields.finish();
  const auto caller = co_await authenticate(r.cookies, r.sessions, req, SessionCheck::authoritative);
  if (!r.config.change_email) throw auth_error(http::Status::bad_request, "CHANGE_EMAIL_DISABLED");
  new_email = ascii_lower(new_email);
  const auto& user = caller.who.user;
  if (new_email == user.email) throw http::HttpError(http::Status::bad_request, "EMAIL_IS_THE_SAME", "Email is the same");
  const auto ok = http::json_response(http::Status::ok, boost::json::object{{"status", true}});
  if (co_await r.users.find_by_email(new_email)) co_return ok;  // taken: the same answer, no mail

  if (!user.email_verified && r.config.update_email_without_verification) {  // flow (a): at once
    auto changed = co_await r.users.set_email(user.id, new_email, false);
    co_await r.sessions.forget_user(user.id);
    co_await notify_user_changed(r.user_changed, user.id);
    if (changed && r.sender.enabled()) co_await r.sender.verification(*changed, callback);
    auto res = ok;
    add_cookies(res, r.cookies.issue(caller.who.session.token, !r.cookies.dont_remember(req)));
    co_return res;
  }
  if (!r.sender.enabled()) {
    throw http::HttpError(http::Status::bad_request, "VERIFICATION_EMAIL_NOT_ENABLED", "Verification email isn't enabled");
  }
  if (user.email_verified && r.config.send_change_email_confirmation) {
    co_await r.sender.change_email_confirmation(user, new_email, callback);  // flow (b): the old address first
  } else {
    co_await r.sender.change_email_verification(user, new_email, callback);  // flow (c): the new address
  }
  co_return ok;
}

// The link of delete-user's confirmation mail: the signed-in owner of the token is deleted.
awaitable<http::Response> delete_user_callback(const EmailRoutes& r, http::Request& req) {
  if (!r.config.delete_user) throw auth_error(http::Status::not_found, "NOT_FOUND");
  const auto callback = checked_callback(req, r.origins);
  const auto token = query_value(req, "token");
  if (token.empty()) {
    throw http::HttpError(http::Status::bad_request, "VALIDATION_ERROR",
                          "[query.token] Invalid input: expected string, received undefined");
  }
  std::optional<Authenticated> caller;
  try {
    caller = co_await authenticate(r.cookies, r.sessions, req, SessionCheck::authoritative);
  } catch (const http::HttpError&) {
    throw auth_error(http::Status::not_found, "FAILED_TO_GET_USER_INFO");
  }
  const auto owner = co_await r.verifications.consume(delete_account_identifier(token));
  if (!owner || *owner != caller->who.user.id) throw auth_error(http::Status::not_found, "INVALID_TOKEN");
  co_await delete_user_everywhere(r.users, r.sessions, caller->who.user.id, r.user_changed);
  auto res = callback.empty() ? http::json_response(http::Status::ok,
                                                    boost::json::object{{"success", true}, {"message", "User deleted"}})
                              : redirect(callback);
  add_cookies(res, r.cookies.clear());
  co_return res;
}

}  // namespace

std::string reset_password_identifier(std::string_view token) { return "reset-password:" + std::string(token); }
std::string delete_account_identifier(std::string_view token) { return "delete-account-" + std::string(token); }

void register_email_routes(AuthRouter& router, EmailRoutes r) {
  router.get("/verify-email", bind_route(r, verify_email));
  router.get("/reset-password/:token", bind_route(r, reset_password_link));
  router.post("/reset-password", bind_route(r, reset_password));
  router.post("/send-verification-email", bind_route(r, send_verification_email));
  router.post("/request-password-reset", bind_route(r, request_password_reset));
  router.post("/change-email", bind_route(r, change_email));
  router.get("/delete-user/callback", bind_route(r, delete_user_callback));
}

}  // namespace vibework::auth
