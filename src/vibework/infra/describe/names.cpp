#include "vibework/infra/describe/names.hpp"

namespace vibework::infra::describe {

std::string to_camel_case(std::string_view snake_case) {
  std::string out;
  out.reserve(snake_case.size());
  std::size_t i = 0;
  while (i < snake_case.size() && snake_case[i] == '_') out += snake_case[i++];
  bool upper_next = false;
  for (; i < snake_case.size(); ++i) {
    char c = snake_case[i];
    if (c == '_') {
      upper_next = true;
      continue;
    }
    if (upper_next && c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    upper_next = false;
    out += c;
  }
  return out;
}

}  // namespace vibework::infra::describe
