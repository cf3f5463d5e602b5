#pragma once
// Reading JSON request bodies. Malformed JSON or a body of the wrong shape is the client's
// mistake: InvalidArgumentError (400) with a message that says what is wrong.
#include <string>

#include <boost/json/value.hpp>
#include <boost/json/value_to.hpp>

#include "vibework/http/request.hpp"
#include "vibework/infra/errors.hpp"

namespace vibework::http {

boost::json::value parse_json_body(const Request& request);

template <typename T>
T body_as(const Request& request) {
  const auto value = parse_json_body(request);
  try {
    return boost::json::value_to<T>(value);
  } catch (const std::exception& e) {
    throw infra::InvalidArgumentError("http", std::string("request body has the wrong shape: ") + e.what());
  }
}

}  // namespace vibework::http
