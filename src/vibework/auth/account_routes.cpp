#include "vibework/auth/account_routes.hpp"

#include <spdlog/spdlog.h>

#include <boost/json/object.hpp>

#include "vibework/auth/email.hpp"
#include "vibework/auth/email_routes.hpp"
#include "vibework/auth/random_token.hpp"
#include "vibework/auth/request_body.hpp"
#include "vibework/auth/session_guard.hpp"
#include "vibework/auth/wire.hpp"
#include "vibework/http/http_error.hpp"
#include "vibework/http/response.hpp"
#include "vibework/infra/errors.hpp"

namespace vibework::auth {

namespace {
// What sign-up answers for a taken email when it does not sign in: a fresh-looking user.
schema::User synthetic_user(const NewUser& asked, const AccountRoutes& r) {
  schema::User u;
  u.id = random_token();
  u.name = asked.name;
  u.email = normalize_email(asked.email);
  u.created_at = u.updated_at = r.sessions.now();
  return u;
}

// The session's cookies (and the cookie cache, when on) on a response that signs in.
http::Response signed_in(const AccountRoutes& r, boost::json::object body, const schema::Session& session,
                         const schema::User& user, bool remember_me) {
  auto res = http::json_response(http::Status::ok, body);
  add_cookies(res, r.cookies.issue(session.token, remember_me));
  if (r.cookie_cache != nullptr) {
    if (auto cache = r.cookie_cache->issue(session, user, remember_me, r.sessions.now())) add_cookies(res, {*cache});
  }
  return res;
}

// What sign-in/sign-up check before reading their fields: the global origin check (with the
// callback URLs) and the form-CSRF rule.
boost::json::object read_sign_in_body(const http::Request& req, const TrustedOrigins& origins) {
  auto body = read_body(req, sign_in_body);
  check_origin(req, origins);
  check_callback_urls(body, origins);
  return body;
}

awaitable<http::Response> sign_up(const AccountRoutes& r, http::Request& req) {
  const auto body = read_sign_in_body(req, r.origins);
  BodyFields fields(body);
  NewUser user{.name = fields.required_string("name"), .email = fields.required_string("email")};
  const auto password = fields.required_string("password");
  user.image = fields.optional_string("image");
  const auto callback = fields.optional_string("callbackURL");  // where the verification link leads
  const bool remember_me = fields.optional_bool("rememberMe").value_or(true);
  if (body.contains("email") && body.at("email").is_string() && !is_valid_email(user.email)) {
    fields.issue("email", "Invalid email address");
  }
  fields.finish();
  check_form_csrf(req, r.origins);
  check_password_length(password, r.config);

  // The hash first: a taken email costs the same time as a new one.
  auto hash = co_await r.hasher.hash(password);
  std::optional<schema::User> created;
  const NewUser asked = user;
  try {
    created = co_await r.users.create(std::move(user), std::move(hash));
  } catch (const infra::ConflictError&) {
    if (!r.config.require_email_verification) {
      throw auth_error(http::Status::unprocessable_entity, "USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL");
    }
    // Better-Auth's answer when sign-up does not sign in: a success that tells nothing.
    co_return http::json_response(http::Status::ok,
                                  boost::json::object{{"token", nullptr}, {"user", user_json(synthetic_user(asked, r))}});
  }
  if (r.config.send_verification_on_sign_up && r.sender != nullptr) {
    co_await r.sender->verification(*created, callback.value_or(""));
  }
  if (r.config.require_email_verification) {  // signed in only once the email is verified
    co_return http::json_response(http::Status::ok, boost::json::object{{"token", nullptr}, {"user", user_json(*created)}});
  }
  const auto options = new_session(req, r.config, remember_me);
  const auto session = co_await r.sessions.create(created->id, options);
  boost::json::object answer{{"token", session.token}, {"user", user_json(*created)}};
  co_return signed_in(r, std::move(answer), session, *created, remember_me);
}

awaitable<http::Response> sign_in(const AccountRoutes& r, http::Request& req) {
  const auto body = read_sign_in_body(req, r.origins);
  BodyFields fields(body);
  const auto email = fields.required_string("email");
  auto password = fields.required_string("password");
  const auto callback = fields.optional_string("callbackURL");
  const bool remember_me = fields.optional_bool("rememberMe").value_or(true);
  fields.finish();
  check_form_csrf(req, r.origins);
  if (!is_valid_email(email)) throw auth_error(http::Status::bad_request, "INVALID_EMAIL");

  auto found = co_await r.users.find_credentials(email);
  if (!found || !found->password_hash) {
    co_await r.hasher.verify_unknown(std::move(password));  // the same cost as a real check
    throw auth_error(http::Status::unauthorized, "INVALID_EMAIL_OR_PASSWORD");
  }
  if (!co_await r.hasher.verify(password, *found->password_hash)) {
    throw auth_error(http::Status::unauthorized, "INVALID_EMAIL_OR_PASSWORD");
  }
  if (r.config.require_email_verification && !found->user.email_verified) {
    if (r.config.send_verification_on_sign_in && r.sender != nullptr) {
      co_await r.sender->verification(found->user, callback.value_or(""));
    }
    throw auth_error(http::Status::forbidden, "EMAIL_NOT_VERIFIED");
  }
  if (r.config.rehash && needs_rehash(*found->password_hash, r.config.argon2)) {
    try {  // an old (scrypt) hash becomes Argon2id; the sign-in succeeds either way
      auto rehashed = co_await r.hasher.hash(std::move(password));
      (void)co_await r.users.set_password(found->user.id, std::move(rehashed));
    } catch (const std::exception& e) {
      spdlog::warn("auth: could not rehash the password of user {}: {}", found->user.id, e.what());
    }
  }
  const auto options = new_session(req, r.config, remember_me);
  const auto session = co_await r.sessions.create(found->user.id, options);
  boost::json::object answer{{"redirect", callback.has_value()}, {"token", session.token}};
  if (callback) answer["url"] = *callback;
  answer["user"] = user_json(found->user);
  auto res = signed_in(r, std::move(answer), session, found->user, remember_me);
  if (callback) res.set(http::beast_http::field::location, *callback);  // still 200, as Better-Auth
  co_return res;
}

awaitable<http::Response> update_user(const AccountRoutes& r, http::Request& req) {
  const auto body = read_body(req, BodyRules{.required = true, .shape = "record"});
  check_origin(req, r.origins);
  BodyFields fields(body);
  ProfileChange change;
  change.name = fields.optional_string("name");
  if (const auto* image = body.if_contains("image"); image != nullptr && image->is_null()) {
    change.image = std::optional<std::string>();
  } else if (auto given = fields.optional_string("image")) {
    change.image = std::move(given);
  }
  fields.finish();
  const auto caller = co_await authenticate(r.cookies, r.sessions, req);
  // JavaScript truthiness: any email but "" (or false/null/0) is an attempt to change it.
  if (const auto* email = body.if_contains("email");
      email != nullptr && !(email->is_null() || (email->is_string() && email->as_string().empty()) ||
                            (email->is_bool() && !email->as_bool()) || (email->is_number() && email->to_number<double>() == 0))) {
    throw auth_error(http::Status::bad_request, "EMAIL_CAN_NOT_BE_UPDATED");
  }
  if (change.empty()) throw http::HttpError(http::Status::bad_request, "NO_FIELDS_TO_UPDATE", "No fields to update");
  if (!co_await r.users.update_profile(caller.who.user.id, std::move(change))) {
    throw auth_error(http::Status::unauthorized, "UNAUTHORIZED");  // deleted meanwhile
  }
  co_await r.sessions.forget_user(caller.who.user.id);  // cached sessions carry the old profile
  co_await notify_user_changed(r.user_changed, caller.who.user.id);
  auto res = http::json_response(http::Status::ok, boost::json::object{{"status", true}});
  // As Better-Auth, the session cookie is set again.
  add_cookies(res, r.cookies.issue(caller.who.session.token, !r.cookies.dont_remember(req)));
  co_return res;
}

awaitable<http::Response> change_password(const AccountRoutes& r, http::Request& req) {
  const auto body = read_body(req, required_body);
  check_origin(req, r.origins);
  BodyFields fields(body);
  auto new_password = fields.required_string("newPassword");
  auto current = fields.required_string("currentPassword");
  const bool revoke_others = fields.optional_bool("revokeOtherSessions").value_or(false);
  fields.finish();
  const auto caller = co_await authenticate(r.cookies, r.sessions, req, SessionCheck::authoritative);
  check_password_length(new_password, r.config);
  const auto stored = co_await r.users.password_hash(caller.who.user.id);
  if (!stored) throw auth_error(http::Status::bad_request, "CREDENTIAL_ACCOUNT_NOT_FOUND");
  if (!co_await r.hasher.verify(std::move(current), *stored)) throw auth_error(http::Status::bad_request, "INVALID_PASSWORD");
  auto new_hash = co_await r.hasher.hash(std::move(new_password));
  (void)co_await r.users.set_password(caller.who.user.id, std::move(new_hash));

  if (!revoke_others) {
    co_await r.sessions.forget_user(caller.who.user.id);
    auto res = http::json_response(http::Status::ok,
                                   boost::json::object{{"token", nullptr}, {"user", user_json(caller.who.user)}});
    with_refreshed_cookie(res, r.cookies, caller);
    co_return res;
  }
  // Every session goes, this one included, and a new one replaces it.
  (void)co_await r.sessions.revoke_all(caller.who.user.id);
  const bool remember_me = !r.cookies.dont_remember(req);
  const auto options = new_session(req, r.config, remember_me);
  const auto session = co_await r.sessions.create(caller.who.user.id, options);
  boost::json::object answer{{"token", session.token}, {"user", user_json(caller.who.user)}};
  co_return signed_in(r, std::move(answer), session, caller.who.user, remember_me);
}

awaitable<http::Response> delete_user(const AccountRoutes& r, http::Request& req) {
  if (!r.config.delete_user) co_return empty_not_found();
  const auto body = read_body(req);
  check_origin(req, r.origins);
  check_callback_urls(body, r.origins);
  BodyFields fields(body);
  const auto password = fields.optional_string("password");
  const auto callback = fields.optional_string("callbackURL");
  const auto token = fields.optional_string("token");
  fields.finish();
  const auto caller = co_await authenticate(r.cookies, r.sessions, req, SessionCheck::authoritative);
  const auto& user_id = caller.who.user.id;
  if (password) {
    const auto stored = co_await r.users.password_hash(user_id);
    if (!stored) throw auth_error(http::Status::bad_request, "CREDENTIAL_ACCOUNT_NOT_FOUND");
    if (!co_await r.hasher.verify(*password, *stored)) throw auth_error(http::Status::bad_request, "INVALID_PASSWORD");
  }
  if (token && !token->empty() && r.verifications != nullptr) {  // the mailed token given here: the callback's work, at once
    const auto owner = co_await r.verifications->consume(delete_account_identifier(*token));
    if (!owner || *owner != user_id) throw auth_error(http::Status::not_found, "INVALID_TOKEN");
  } else if (r.config.delete_user_verification && r.sender != nullptr && r.sender->enabled()) {
    co_await r.sender->delete_account(caller.who.user, callback.value_or(""));
    co_return http::json_response(http::Status::ok,
                                  boost::json::object{{"success", true}, {"message", "Verification email sent"}});
  } else if (!password && !r.sessions.policy().is_fresh(caller.who.session.created_at, r.sessions.now())) {
    throw auth_error(http::Status::bad_request, "SESSION_EXPIRED");  // no password: only a fresh session may
  }
  co_await delete_user_everywhere(r.users, r.sessions, user_id, r.user_changed);
  auto res = http::json_response(http::Status::ok, boost::json::object{{"success", true}, {"message", "User deleted"}});
  add_cookies(res, r.cookies.clear());
  co_return res;
}

}  // namespace

awaitable<void> delete_user_everywhere(UserStore& users, SessionStore& sessions, std::string user_id,
                                       const UserChangedHooks* user_changed) {
  (void)co_await sessions.revoke_all(user_id);  // first, so their cache entries go too
  (void)co_await users.remove(user_id);
  co_await notify_user_changed(user_changed, std::move(user_id));
}

namespace {
}  // namespace

void register_account_routes(AuthRouter& router, AccountRoutes r) {
  if (r.metrics) {
    router.post("/sign-up/email", counted(r.metrics->sign_ups, bind_route(r, sign_up)));
    router.post("/sign-in/email", counted(r.metrics->sign_ins, bind_route(r, sign_in)));
  } else {
    router.post("/sign-up/email", bind_route(r, sign_up));
    router.post("/sign-in/email", bind_route(r, sign_in));
  }
  router.post("/update-user", bind_route(r, update_user));
  router.post("/change-password", bind_route(r, change_password));
  router.post("/delete-user", bind_route(r, delete_user));
}

}  // namespace vibework::auth
