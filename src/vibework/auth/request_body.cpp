#include "vibework/auth/request_body.hpp"

#include <boost/json/parse.hpp>
#include <boost/url/params_view.hpp>
#include <boost/url/parse_query.hpp>

#include "vibework/auth/text.hpp"
#include "vibework/http/http_error.hpp"

namespace vibework::auth {

namespace {
// "application/json; charset=utf-8" -> "application/json"
std::string media_type(std::string_view content_type) {
  return ascii_lower(trim(content_type.substr(0, content_type.find(';'))));
}

bool is_json(std::string_view type) {
  return type == "application/json" || (type.starts_with("application/") && type.ends_with("+json"));
}

boost::json::object parse_form(std::string_view body) {
  std::string spaces_escaped;  // forms encode a space as '+', which a URL query keeps literal
  for (char c : body) c == '+' ? spaces_escaped += "%20" : spaces_escaped += c;
  auto encoded = boost::urls::parse_query(spaces_escaped);
  if (!encoded) throw http::HttpError(http::Status::bad_request, "BAD_REQUEST", "Invalid form body");
  boost::json::object out;
  for (const auto& p : boost::urls::params_view(*encoded)) {
    if (p.has_value && (p.value == "true" || p.value == "false")) out[p.key] = p.value == "true";
    else out[p.key] = p.has_value ? p.value : std::string();
  }
  return out;
}

const char* zod_type_name(const boost::json::value* v) {
  if (v == nullptr) return "undefined";
  switch (v->kind()) {
    case boost::json::kind::null: return "null";
    case boost::json::kind::bool_: return "boolean";
    case boost::json::kind::string: return "string";
    case boost::json::kind::array: return "array";
    case boost::json::kind::object: return "object";
    default: return "number";
  }
}
}  // namespace

boost::json::object read_body(const http::Request& req, BodyRules rules) {
  const auto not_an = [&rules](const char* received) {
    return http::HttpError(http::Status::bad_request, "VALIDATION_ERROR",
                           "[body] Invalid input: expected " + std::string(rules.shape) + ", received " + received);
  };
  if (req.body().empty()) {  // no body skips the media-type check
    if (rules.required) throw not_an("undefined");
    return {};
  }
  const std::string allowed = rules.forms ? "application/x-www-form-urlencoded, application/json" : "application/json";
  const auto content_type = req.header("Content-Type");
  if (content_type.empty()) {
    throw http::HttpError(http::Status::unsupported_media_type, "UNSUPPORTED_MEDIA_TYPE",
                          "Content-Type is required. Allowed types: " + allowed);
  }
  const auto type = media_type(content_type);
  if (rules.forms && type == "application/x-www-form-urlencoded") return parse_form(req.body());
  if (!is_json(type)) {
    throw http::HttpError(http::Status::unsupported_media_type, "UNSUPPORTED_MEDIA_TYPE",
                          "Content-Type \"" + std::string(content_type) + "\" is not allowed. Allowed types: " + allowed);
  }
  boost::system::error_code ec;
  auto value = boost::json::parse(req.body(), ec);
  if (ec) throw http::HttpError(http::Status::bad_request, "BAD_REQUEST", "Invalid JSON in request body");
  if (!value.is_object()) throw not_an(zod_type_name(&value));
  return std::move(value.as_object());
}

void BodyFields::issue(std::string_view key, std::string_view message) {
  issues_.push_back("[body." + std::string(key) + "] " + std::string(message));
}

void BodyFields::type_issue(std::string_view key, std::string_view expected, const boost::json::value* got) {
  issue(key, "Invalid input: expected " + std::string(expected) + ", received " + zod_type_name(got));
}

std::string BodyFields::required_string(std::string_view key) {
  const auto* v = body_.if_contains(key);
  if (v == nullptr || !v->is_string()) {
    type_issue(key, "string", v);
    return {};
  }
  return std::string(v->as_string());
}

std::optional<std::string> BodyFields::optional_string(std::string_view key) {
  const auto* v = body_.if_contains(key);
  if (v == nullptr) return std::nullopt;
  if (!v->is_string()) {
    type_issue(key, "string", v);
    return std::nullopt;
  }
  return std::string(v->as_string());
}

std::optional<bool> BodyFields::optional_bool(std::string_view key) {
  const auto* v = body_.if_contains(key);
  if (v == nullptr) return std::nullopt;
  if (v->is_bool()) return v->as_bool();
  type_issue(key, "boolean", v);
  return std::nullopt;
}

void BodyFields::finish() const {
  if (issues_.empty()) return;
  std::string message;
  for (const auto& i : issues_) message += (message.empty() ? "" : "; ") + i;
  throw http::HttpError(http::Status::bad_request, "VALIDATION_ERROR", message);
}

}  // namespace vibework::auth
