// GET /openapi.json: docs/openapi.yaml, converted to JSON when the binary was built
// (cmake/openapi_to_cpp.py writes openapi_json.cpp).
#include <string>
#include <string_view>

#include "vibework/app/routes.hpp"
#include "vibework/http/response.hpp"

namespace vibework::app {

extern const std::string_view openapi_json;

void register_openapi_routes(http::Router& router) {
  router.get("/openapi.json", [](http::Request&) -> awaitable<http::Response> {
    co_return http::text_response(http::Status::ok, "application/json", std::string(openapi_json));
  });
}

}  // namespace vibework::app
