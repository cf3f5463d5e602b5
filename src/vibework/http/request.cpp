#include "vibework/http/request.hpp"

namespace vibework::http {

std::string_view PathParams::get(std::string_view name) const {
  for (const auto& [k, v] : items_) {
    if (k == name) return v;
  }
  return {};
}

std::string_view Request::path() const {
  const auto t = target();
  return t.substr(0, t.find('?'));
}

std::string_view Request::query(std::string_view name) const {
  const auto t = target();
  const auto q = t.find('?');
  if (q == std::string_view::npos) return {};
  std::string_view rest = t.substr(q + 1);
  while (!rest.empty()) {
    const auto amp = rest.find('&');
    const auto pair = rest.substr(0, amp);
    const auto eq = pair.find('=');
    if (pair.substr(0, eq) == name) return eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1);
    if (amp == std::string_view::npos) break;
    rest = rest.substr(amp + 1);
  }
  return {};
}

std::string_view Request::header(std::string_view name) const {
  auto it = message.find(name);
  if (it == message.end()) return {};
  return it->value();
}

}  // namespace vibework::http
