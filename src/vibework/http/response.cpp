#include "vibework/http/response.hpp"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

namespace vibework::http {

Response json_response(Status status, const boost::json::value& body) {
  return text_response(status, "application/json", boost::json::serialize(body));
}

Response text_response(Status status, std::string_view content_type, std::string body) {
  Response res{status, 11};
  res.set(beast_http::field::content_type, content_type);
  res.body() = std::move(body);
  res.prepare_payload();
  return res;
}

Response error_response(Status status, std::string_view code, std::string_view message, std::string_view request_id) {
  boost::json::object body;
  body["code"] = code;
  body["message"] = message;
  if (!request_id.empty()) body["requestId"] = request_id;
  return json_response(status, body);
}

}  // namespace vibework::http
