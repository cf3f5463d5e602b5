#pragma once
// Responses: JSON in, JSON out.
#include <string_view>

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/json/fwd.hpp>

#include "vibework/http/request.hpp"

namespace vibework::http {

using Response = beast_http::response<beast_http::string_body>;

Response json_response(Status status, const boost::json::value& body);
Response text_response(Status status, std::string_view content_type, std::string body);

// The JSON error body every vibework error uses: {"code":"NOT_FOUND","message":"...","requestId":"..."}
// (the shape Better-Auth's clients expect: code + message).
Response error_response(Status status, std::string_view code, std::string_view message, std::string_view request_id);

}  // namespace vibework::http
