#pragma once
// The one place where errors become HTTP statuses.
#include <exception>
#include <string_view>

#include "vibework/http/response.hpp"
#include "vibework/infra/errors.hpp"

namespace vibework::http {

Status status_for(infra::ErrorKind kind) noexcept;

// Turns whatever a handler threw into a JSON error response. Client mistakes keep their
// message; unexpected failures are logged by the caller and answered without internals.
Response response_for_exception(std::exception_ptr error, std::string_view request_id);

}  // namespace vibework::http
