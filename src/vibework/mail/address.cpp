#include "vibework/mail/address.hpp"

namespace vibework::mail {

namespace {
bool has_line_break(std::string_view s) { return s.find_first_of("\r\n") != std::string_view::npos; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// A pragmatic addr-spec check: one @, something on each side, no spaces or brackets, a dot-free
// domain allowed (localhost). SMTP servers do the real validation.
bool plausible_email(std::string_view e) {
  const auto at = e.find('@');
  if (at == std::string_view::npos || at == 0 || at + 1 == e.size() || e.find('@', at + 1) != std::string_view::npos) {
    return false;
  }
  return e.find_first_of(" \t<>()[]\\,;:\"") == std::string_view::npos;
}

}  // namespace

std::optional<Address> parse_address(std::string_view text) {
  if (has_line_break(text)) return std::nullopt;
  text = trim(text);
  Address a;
  const auto open = text.rfind('<');
  if (open != std::string_view::npos) {
    if (text.back() != '>') return std::nullopt;
    a.email = std::string(trim(text.substr(open + 1, text.size() - open - 2)));
    auto name = trim(text.substr(0, open));
    if (name.size() >= 2 && name.front() == '"' && name.back() == '"') name = name.substr(1, name.size() - 2);
    a.name = std::string(name);
  } else {
    a.email = std::string(text);
  }
  if (!plausible_email(a.email)) return std::nullopt;
  return a;
}

}  // namespace vibework::mail
