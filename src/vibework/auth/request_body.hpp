#pragma once
// Reading an auth endpoint's body as Better-Auth's router does (facts file §1.2): JSON (any
// application/*+json), on sign-in/sign-up also application/x-www-form-urlencoded; 415 for any
// other media type, 400 BAD_REQUEST for malformed JSON; and zod-style field validation whose
// failures answer 400 VALIDATION_ERROR "[body.email] Invalid email address; [body.x] ...".
//
//   auto body = auth::read_body(req, auth::sign_in_body);
//   auth::BodyFields fields(body);
//   auto email = fields.required_string("email");
//   auto remember = fields.optional_bool("rememberMe");
//   fields.finish();   // throws VALIDATION_ERROR naming every bad field
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

#include "vibework/http/request.hpp"

namespace vibework::auth {

// What an endpoint's body schema allows.
struct BodyRules {
  bool forms = false;     // application/x-www-form-urlencoded too (sign-in, sign-up)
  bool required = false;  // an absent body is "[body] ... received undefined", not {}
  std::string_view shape = "object";  // zod's word for it: "object", or "record" (update-user)
};
inline constexpr BodyRules optional_body{};
inline constexpr BodyRules required_body{.required = true};
inline constexpr BodyRules sign_in_body{.forms = true, .required = true};

// The body as a JSON object (an absent optional body is {}). Form fields are strings, but
// "true"/"false" become booleans. Throws HttpError 415 / 400 as Better-Auth answers.
boost::json::object read_body(const http::Request& req, BodyRules rules = optional_body);

class BodyFields {
 public:
  explicit BodyFields(const boost::json::object& body) : body_(body) {}

  // "" and a recorded issue when absent or not a string.
  std::string required_string(std::string_view key);
  std::optional<std::string> optional_string(std::string_view key);
  // JSON booleans (a form's "true"/"false" arrive as booleans).
  std::optional<bool> optional_bool(std::string_view key);
  // Records "[body.key] message" (e.g. zod's "Invalid email address").
  void issue(std::string_view key, std::string_view message);

  // Throws 400 VALIDATION_ERROR with every issue joined by "; " when there are any.
  void finish() const;

 private:
  void type_issue(std::string_view key, std::string_view expected, const boost::json::value* got);

  const boost::json::object& body_;
  std::vector<std::string> issues_;
};

}  // namespace vibework::auth
