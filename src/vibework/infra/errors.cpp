#include "vibework/infra/errors.hpp"

namespace vibework::infra {
namespace {
std::string compose(const std::string& service, const std::string& message, const std::string& hint) {
  std::string text = "[" + service + "] " + message;
  if (!hint.empty()) text += " (hint: " + hint + ")";
  return text;
}
}  // namespace

std::string_view to_string(ErrorKind kind) noexcept {
  switch (kind) {
    case ErrorKind::unavailable: return "unavailable";
    case ErrorKind::timeout: return "timeout";
    case ErrorKind::pool_exhausted: return "pool_exhausted";
    case ErrorKind::not_found: return "not_found";
    case ErrorKind::conflict: return "conflict";
    case ErrorKind::invalid_argument: return "invalid_argument";
    case ErrorKind::query_failed: return "query_failed";
    case ErrorKind::protocol: return "protocol";
    case ErrorKind::config: return "config";
    case ErrorKind::internal: return "internal";
  }
  return "internal";
}

Error::Error(ErrorKind kind, std::string service, std::string message, std::string hint)
    : std::runtime_error(compose(service, message, hint)),
      kind_(kind),
      service_(std::move(service)),
      message_(std::move(message)),
      hint_(std::move(hint)) {}

}  // namespace vibework::infra
