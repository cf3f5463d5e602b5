#pragma once
// Small ASCII text helpers the auth part's parsers share (headers, env lists, URLs, emails).
#include <string>
#include <string_view>
#include <vector>

namespace vibework::auth {

// Without leading and trailing spaces and tabs.
inline std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// A-Z to a-z, every other byte as it is (JavaScript's toLowerCase() on ASCII).
constexpr char ascii_lower(char c) noexcept { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }
inline std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = ascii_lower(c);
  return out;
}

// "a, b,,c" -> {"a", "b", "c"}: comma-separated, trimmed, empty items dropped.
inline std::vector<std::string> split_list(std::string_view text) {
  std::vector<std::string> out;
  while (true) {
    const auto comma = text.find(',');
    if (const auto item = trim(text.substr(0, comma)); !item.empty()) out.emplace_back(item);
    if (comma == std::string_view::npos) return out;
    text.remove_prefix(comma + 1);
  }
}

}  // namespace vibework::auth
