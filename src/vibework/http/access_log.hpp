#pragma once
#include <chrono>
#include <cstddef>
#include <string_view>

#include "vibework/http/request.hpp"

namespace vibework::http {

struct AccessRecord {
  std::string_view method;
  std::string_view target;
  unsigned status = 0;
  std::chrono::microseconds duration{0};
  std::size_t response_bytes = 0;
  std::string_view request_id;
  std::string_view remote;
};

// One line per request: text for people, a JSON object when LOG_FORMAT=json (the logger's
// JSON formatter merges the object's fields into the line).
void log_access(const AccessRecord& record, bool json);

}  // namespace vibework::http
