#include "vibework/infra/timeout.hpp"

#include <fmt/format.h>

namespace vibework::infra::detail {

void throw_timeout(const std::string& service, const std::string& what, std::chrono::milliseconds limit) {
  throw TimeoutError(service, fmt::format("{} did not finish within {} ms", what, limit.count()),
                     "the service may be overloaded or unreachable; check its logs, or raise the timeout");
}

}  // namespace vibework::infra::detail
