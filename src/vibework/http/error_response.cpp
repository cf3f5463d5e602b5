#include "vibework/http/error_response.hpp"

#include <spdlog/spdlog.h>

#include "vibework/http/http_error.hpp"

namespace vibework::http {

Status status_for(infra::ErrorKind kind) noexcept {
  using K = infra::ErrorKind;
  switch (kind) {
    case K::invalid_argument: return Status::bad_request;
    case K::not_found: return Status::not_found;
    case K::conflict: return Status::conflict;
    case K::unavailable:
    case K::pool_exhausted: return Status::service_unavailable;
    case K::timeout: return Status::gateway_timeout;
    case K::protocol: return Status::bad_gateway;
    case K::query_failed:
    case K::config:
    case K::internal: return Status::internal_server_error;
  }
  return Status::internal_server_error;
}

namespace {
std::string code_for(infra::ErrorKind kind) {
  std::string code(infra::to_string(kind));
  for (auto& c : code) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return code;
}
}  // namespace

Response response_for_exception(std::exception_ptr error, std::string_view request_id) {
  try {
    std::rethrow_exception(error);
  } catch (const HttpError& e) {
    return error_response(e.status(), e.code(), e.what(), request_id);
  } catch (const infra::Error& e) {
    const auto status = status_for(e.kind());
    if (status == Status::bad_request || status == Status::not_found || status == Status::conflict) {
      return error_response(status, code_for(e.kind()), e.message(), request_id);
    }
    // A service failure: logged with its hint for operators, answered briefly to the client.
    spdlog::error("request {} failed: {}", request_id, e.what());
    // A 500 (a failed query, a bug) says which service and nothing more: the server's own text can
    // name tables and quote the request's values. An outage's message tells the client what is down.
    const auto message = status == Status::internal_server_error ? e.service() + " failed (see the server log)"
                                                                  : e.service() + " is unavailable: " + e.message();
    auto res = error_response(status, code_for(e.kind()), message, request_id);
    // Busy, not broken (every connection or hashing slot taken): a retry soon is likely to work.
    if (e.kind() == infra::ErrorKind::pool_exhausted) res.set(beast_http::field::retry_after, "1");
    return res;
  } catch (const std::exception& e) {
    spdlog::error("request {} failed with an unexpected error: {}", request_id, e.what());
  } catch (...) {
    spdlog::error("request {} failed with an unknown exception", request_id);
  }
  return error_response(Status::internal_server_error, "INTERNAL_SERVER_ERROR", "internal server error", request_id);
}

}  // namespace vibework::http
