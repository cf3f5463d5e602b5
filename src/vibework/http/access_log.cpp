#include "vibework/http/access_log.hpp"

#include <fmt/compile.h>
#include <spdlog/spdlog.h>

#include "vibework/infra/logging.hpp"

namespace vibework::http {

// On every request: the line is formatted with compiled format strings (no parsing at run time)
// and handed to the logger as finished text.
void log_access(const AccessRecord& r, bool json) {
  auto& logger = *spdlog::default_logger_raw();
  if (!logger.should_log(spdlog::level::info)) return;
  const auto us = r.duration.count();
  const auto whole_ms = us / 1000;
  const auto micros = us % 1000;
  fmt::memory_buffer line;
  if (json) {
    fmt::format_to(std::back_inserter(line),
                   FMT_COMPILE(R"({{"msg":"request","method":"{}","path":"{}","status":{},"durationMs":{}.{:03},"bytes":{},"requestId":"{}","remote":"{}"}})"),
                   r.method, infra::json_escape(r.target), r.status, whole_ms, micros, r.response_bytes,
                   infra::json_escape(r.request_id), r.remote);
  } else {
    fmt::format_to(std::back_inserter(line), FMT_COMPILE("{} {} {} {}.{:03}ms {}B id={} from={}"), r.method, r.target,
                   r.status, whole_ms, micros, r.response_bytes, r.request_id, r.remote);
  }
  logger.log(spdlog::level::info, std::string_view(line.data(), line.size()));
}

}  // namespace vibework::http
