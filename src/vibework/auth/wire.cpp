#include "vibework/auth/wire.hpp"

#include <array>
#include <utility>

#include <boost/json/parse.hpp>

#include "vibework/infra/json.hpp"
#include "vibework/infra/logging.hpp"  // json_escape

namespace vibework::auth {

namespace {
// BASE_ERROR_CODES of Better-Auth 1.7.1, and the codes its handlers define inline.
constexpr std::array<std::pair<std::string_view, std::string_view>, 56> messages{{
    {"USER_NOT_FOUND", "User not found"},
    {"FAILED_TO_CREATE_USER", "Failed to create user"},
    {"FAILED_TO_CREATE_SESSION", "Failed to create session"},
    {"FAILED_TO_UPDATE_USER", "Failed to update user"},
    {"FAILED_TO_GET_SESSION", "Failed to get session"},
    {"INVALID_PASSWORD", "Invalid password"},
    {"INVALID_EMAIL", "Invalid email"},
    {"INVALID_EMAIL_OR_PASSWORD", "Invalid email or password"},
    {"INVALID_USER", "Invalid user"},
    {"SOCIAL_ACCOUNT_ALREADY_LINKED", "Social account already linked"},
    {"PROVIDER_NOT_FOUND", "Provider not found"},
    {"INVALID_TOKEN", "Invalid token"},
    {"TOKEN_EXPIRED", "Token expired"},
    {"ID_TOKEN_NOT_SUPPORTED", "id_token not supported"},
    {"FAILED_TO_GET_USER_INFO", "Failed to get user info"},
    {"USER_EMAIL_NOT_FOUND", "User email not found"},
    {"EMAIL_NOT_VERIFIED", "Email not verified"},
    {"PASSWORD_TOO_SHORT", "Password too short"},
    {"PASSWORD_TOO_LONG", "Password too long"},
    {"USER_ALREADY_EXISTS", "User already exists."},
    {"USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL", "User already exists. Use another email."},
    {"EMAIL_CAN_NOT_BE_UPDATED", "Email can not be updated"},
    {"CHANGE_EMAIL_DISABLED", "Change email is disabled"},
    {"CREDENTIAL_ACCOUNT_NOT_FOUND", "Credential account not found"},
    {"SESSION_EXPIRED", "Session expired. Re-authenticate to perform this action."},
    {"FAILED_TO_UNLINK_LAST_ACCOUNT", "You can't unlink your last account"},
    {"ACCOUNT_NOT_FOUND", "Account not found"},
    {"USER_ALREADY_HAS_PASSWORD", "User already has a password. Provide that to delete the account."},
    {"CROSS_SITE_NAVIGATION_LOGIN_BLOCKED", "Cross-site navigation login blocked. This request appears to be a CSRF attack."},
    {"VERIFICATION_EMAIL_NOT_ENABLED", "Verification email isn't enabled"},
    {"EMAIL_ALREADY_VERIFIED", "Email is already verified"},
    {"EMAIL_MISMATCH", "Email mismatch"},
    {"SESSION_NOT_FRESH", "Session is not fresh"},
    {"LINKED_ACCOUNT_ALREADY_EXISTS", "Linked account already exists"},
    {"INVALID_ORIGIN", "Invalid origin"},
    {"INVALID_CALLBACK_URL", "Invalid callbackURL"},
    {"INVALID_REDIRECT_URL", "Invalid redirectURL"},
    {"INVALID_ERROR_CALLBACK_URL", "Invalid errorCallbackURL"},
    {"INVALID_NEW_USER_CALLBACK_URL", "Invalid newUserCallbackURL"},
    {"MISSING_OR_NULL_ORIGIN", "Missing or null Origin"},
    {"CALLBACK_URL_REQUIRED", "callbackURL is required"},
    {"FAILED_TO_CREATE_VERIFICATION", "Unable to create verification"},
    {"FIELD_NOT_ALLOWED", "Field not allowed to be set"},
    {"ASYNC_VALIDATION_NOT_SUPPORTED", "Async validation is not supported"},
    {"VALIDATION_ERROR", "Validation Error"},
    {"MISSING_FIELD", "Field is required"},
    {"METHOD_NOT_ALLOWED_DEFER_SESSION_REQUIRED",
     "POST method requires deferSessionRefresh to be enabled in session config"},
    {"BODY_MUST_BE_AN_OBJECT", "Body must be an object"},
    {"PASSWORD_ALREADY_SET", "User already has a password set"},
    {"EMAIL_PASSWORD_SIGN_UP_DISABLED", "Email and password sign up is not enabled"},
    {"EMAIL_PASSWORD_DISABLED", "Email and password is not enabled"},
    {"RESET_PASSWORD_DISABLED", "Reset password isn't enabled"},
    {"UNAUTHORIZED", "Unauthorized"},
    {"INTERNAL_SERVER_ERROR", "Internal Server Error"},
    {"NOT_FOUND", "Not found"},
    {"UNSUPPORTED_MEDIA_TYPE", "Unsupported media type"},
}};

boost::json::value optional_string(const std::optional<std::string>& s) {
  return s ? boost::json::value(*s) : boost::json::value(nullptr);
}
}  // namespace

std::string user_json_text(const schema::User& u) {
  std::string out;
  out.reserve(256 + u.name.size() + u.email.size() + (u.image ? u.image->size() : 0));
  const auto text = [&out](std::string_view key, std::string_view value) {
    out += key;
    out += '"';
    infra::append_json_escaped(out, value);
    out += '"';
  };
  text(R"({"name":)", u.name);
  text(R"(,"email":)", u.email);
  out += u.email_verified ? R"(,"emailVerified":true)" : R"(,"emailVerified":false)";
  if (u.image) text(R"(,"image":)", *u.image);
  else out += R"(,"image":null)";
  text(R"(,"createdAt":)", infra::format_iso8601(u.created_at));
  text(R"(,"updatedAt":)", infra::format_iso8601(u.updated_at));
  text(R"(,"id":)", u.id);
  out += '}';
  return out;
}

// The text above is the one definition of the fields and their order; the paths that embed a
// user in a larger document (sign-in, session bodies) are not the per-request ones.
boost::json::object user_json(const schema::User& u) {
  auto parsed = boost::json::parse(user_json_text(u));
  return std::move(parsed.as_object());
}

boost::json::object session_json(const schema::Session& s) {
  return {{"id", s.id},
          {"expiresAt", infra::format_iso8601(s.expires_at)},
          {"token", s.token},
          {"createdAt", infra::format_iso8601(s.created_at)},
          {"updatedAt", infra::format_iso8601(s.updated_at)},
          {"ipAddress", optional_string(s.ip_address)},
          {"userAgent", optional_string(s.user_agent)},
          {"userId", s.user_id}};
}

namespace {
// Field readers that record a failure instead of throwing.
struct Reader {
  const boost::json::object* object;
  bool ok = true;

  std::string text(std::string_view key) {
    const auto* v = object->if_contains(key);
    if (v == nullptr || !v->is_string()) return ok = false, std::string();
    return std::string(v->as_string());
  }
  std::optional<std::string> nullable_text(std::string_view key) {
    const auto* v = object->if_contains(key);
    if (v == nullptr || v->is_null()) return std::nullopt;
    if (!v->is_string()) return ok = false, std::nullopt;
    return std::string(v->as_string());
  }
  infra::TimePoint time(std::string_view key) {
    const auto parsed = infra::parse_iso8601(text(key));
    if (!parsed) return ok = false, infra::TimePoint{};
    return *parsed;
  }
  bool flag(std::string_view key) {
    const auto* v = object->if_contains(key);
    if (v == nullptr || !v->is_bool()) return ok = false, false;
    return v->as_bool();
  }
};
}  // namespace

std::optional<schema::User> user_from_json(const boost::json::value& json) {
  if (!json.is_object()) return std::nullopt;
  Reader r{&json.as_object()};
  schema::User u;
  u.id = r.text("id");
  u.name = r.text("name");
  u.email = r.text("email");
  u.email_verified = r.flag("emailVerified");
  u.image = r.nullable_text("image");
  u.created_at = r.time("createdAt");
  u.updated_at = r.time("updatedAt");
  if (!r.ok) return std::nullopt;
  return u;
}

std::optional<schema::Session> session_from_json(const boost::json::value& json) {
  if (!json.is_object()) return std::nullopt;
  Reader r{&json.as_object()};
  schema::Session s;
  s.id = r.text("id");
  s.expires_at = r.time("expiresAt");
  s.token = r.text("token");
  s.created_at = r.time("createdAt");
  s.updated_at = r.time("updatedAt");
  s.ip_address = r.nullable_text("ipAddress");
  s.user_agent = r.nullable_text("userAgent");
  s.user_id = r.text("userId");
  if (!r.ok) return std::nullopt;
  return s;
}

std::string_view default_message(std::string_view code) {
  for (const auto& [c, m] : messages) {
    if (c == code) return m;
  }
  return code;
}

http::HttpError auth_error(http::Status status, std::string_view code) {
  return http::HttpError(status, std::string(code), std::string(default_message(code)));
}

}  // namespace vibework::auth
