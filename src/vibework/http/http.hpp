#pragma once
// The HTTP part: the Server component, the router, JSON bodies and the error mapping.
#include "vibework/http/config.hpp"
#include "vibework/http/error_response.hpp"
#include "vibework/http/http_error.hpp"
#include "vibework/http/json_body.hpp"
#include "vibework/http/metrics_endpoint.hpp"
#include "vibework/http/request.hpp"
#include "vibework/http/response.hpp"
#include "vibework/http/router.hpp"
#include "vibework/http/server.hpp"
