#include "vibework/http/json_body.hpp"

#include <boost/json/parse.hpp>

namespace vibework::http {

boost::json::value parse_json_body(const Request& request) {
  const auto content_type = request.header("Content-Type");
  if (!content_type.empty() && content_type.find("json") == std::string_view::npos) {
    throw infra::InvalidArgumentError("http", "expected Content-Type: application/json, got " + std::string(content_type));
  }
  if (request.body().empty()) throw infra::InvalidArgumentError("http", "request body is empty; expected JSON");
  boost::system::error_code ec;
  auto value = boost::json::parse(request.body(), ec);
  if (ec) throw infra::InvalidArgumentError("http", "request body is not valid JSON: " + ec.message());
  return value;
}

}  // namespace vibework::http
