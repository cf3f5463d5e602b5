#pragma once
// The JSON Better-Auth 1.7 sends for users and sessions (facts file §2.1) and its error
// answers (§1.3), so the official client reads vibework's responses unchanged.
//
//   co_return http::json_response(http::Status::ok, {{"session", auth::session_json(s)},
//                                                    {"user", auth::user_json(u)}});
//   throw auth::auth_error(http::Status::unauthorized, "INVALID_EMAIL_OR_PASSWORD");
#include <optional>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>

#include "vibework/http/http_error.hpp"
#include "vibework/schema/session.hpp"
#include "vibework/schema/user.hpp"

namespace vibework::auth {

// {name, email, emailVerified, image, createdAt, updatedAt, id}: dates as ISO-8601 UTC with
// milliseconds, image null when absent.
boost::json::object user_json(const schema::User& user);
// The same as JSON text, written directly (GET /api/users/me answers it on every request);
// user_json is parsed from it, so the two cannot disagree.
std::string user_json_text(const schema::User& user);

// {id, expiresAt, token, createdAt, updatedAt, ipAddress, userAgent, userId}: the token is the
// raw one (unsigned), as get-session and list-sessions return it.
boost::json::object session_json(const schema::Session& session);

// The reverse, for JSON a server wrote (the session_data cookie cache): nullopt when a field is
// missing or of the wrong type.
std::optional<schema::User> user_from_json(const boost::json::value& json);
std::optional<schema::Session> session_from_json(const boost::json::value& json);

// Better-Auth's default message for one of its error codes ("INVALID_ORIGIN" -> "Invalid
// origin"); the code itself for one it does not define.
std::string_view default_message(std::string_view code);

// The HttpError that answers {"code": code, "message": default_message(code)} with `status`.
http::HttpError auth_error(http::Status status, std::string_view code);

}  // namespace vibework::auth
