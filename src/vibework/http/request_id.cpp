#include "vibework/http/request_id.hpp"

#include "vibework/infra/trace_context.hpp"

namespace vibework::http {

namespace {
bool usable(std::string_view id) {
  if (id.empty() || id.size() > 128) return false;
  for (unsigned char c : id) {
    if (c <= 0x20 || c >= 0x7f || c == '"' || c == '\\') return false;
  }
  return true;
}
}  // namespace

std::string request_id_for(std::string_view incoming) {
  if (usable(incoming)) return std::string(incoming);
  return infra::random_id_hex();
}

}  // namespace vibework::http
