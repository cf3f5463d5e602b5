#pragma once
// HttpError: a handler's way to answer with a specific 4xx (unauthorized, forbidden, ...).
// Failures of external services use vibework::infra::Error instead; error_response.cpp maps both.
#include <stdexcept>
#include <string>

#include "vibework/http/request.hpp"

namespace vibework::http {

class HttpError : public std::runtime_error {
 public:
  HttpError(Status status, std::string code, const std::string& message)
      : std::runtime_error(message), status_(status), code_(std::move(code)) {}
  Status status() const noexcept { return status_; }
  const std::string& code() const noexcept { return code_; }

 private:
  Status status_;
  std::string code_;
};

}  // namespace vibework::http
