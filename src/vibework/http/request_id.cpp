#include "vibework/http/request_id.hpp"

#include <random>

namespace vibework::http {

namespace {
bool usable(std::string_view id) {
  if (id.empty() || id.size() > 128) return false;
  for (unsigned char c : id) {
    if (c <= 0x20 || c >= 0x7f || c == '"' || c == '\\') return false;
  }
  return true;
}

std::string generate() {
  // Per-thread generator: ids need to be unique, not secret.
  thread_local std::mt19937_64 engine{std::random_device{}()};
  static constexpr char digits[] = "0123456789abcdef";
  std::string id(32, '0');
  for (int half = 0; half < 2; ++half) {
    auto bits = engine();
    for (int i = 0; i < 16; ++i) {
      id[static_cast<std::size_t>(half * 16 + i)] = digits[bits & 0xf];
      bits >>= 4;
    }
  }
  return id;
}
}  // namespace

std::string request_id_for(std::string_view incoming) {
  if (usable(incoming)) return std::string(incoming);
  return generate();
}

}  // namespace vibework::http
