#pragma once
// Reading an auth endpoint's body as Better-Auth's router does (facts file §1.2): JSON (any
// application/*+json), on sign-in/sign-up also application/x-www-form-urlencoded; 415 for any
// other media type, 400 BAD_REQUEST for malformed JSON; and zod-style field validation whose
// failures answer 400 VALIDATION_ERROR "[body.email] Invalid email address; [body.x] ...".
//
//   auto body = auth::read_body(req, auth::FormBodies::accepted);
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

enum class FormBodies { refused, accepted };

// The body as a JSON object; an absent body is {}. Form fields are strings ("true"/"false" for
// booleans are read by BodyFields). Throws HttpError 415 / 400 as Better-Auth answers.
boost::json::object read_body(const http::Request& req, FormBodies forms = FormBodies::refused);

class BodyFields {
 public:
  explicit BodyFields(const boost::json::object& body) : body_(body) {}

  // "" and a recorded issue when absent or not a string.
  std::string required_string(std::string_view key);
  std::optional<std::string> optional_string(std::string_view key);
  // JSON booleans; from a form, "true"/"false".
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
