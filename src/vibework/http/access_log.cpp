#include "vibework/http/access_log.hpp"

#include <spdlog/spdlog.h>

#include "vibework/infra/logging.hpp"

namespace vibework::http {

void log_access(const AccessRecord& r, bool json) {
  const double ms = static_cast<double>(r.duration.count()) / 1000.0;
  if (json) {
    spdlog::info(R"({{"msg":"request","method":"{}","path":"{}","status":{},"durationMs":{:.3f},"bytes":{},"requestId":"{}","remote":"{}"}})",
                 r.method, infra::json_escape(r.target), r.status, ms, r.response_bytes, infra::json_escape(r.request_id),
                 r.remote);
  } else {
    spdlog::info("{} {} {} {:.3f}ms {}B id={} from={}", r.method, r.target, r.status, ms, r.response_bytes, r.request_id,
                 r.remote);
  }
}

}  // namespace vibework::http
