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

// decodeURIComponent's escapes (%XX, either case) decoded; text with a '%' not followed by two
// hex digits comes back as it is (as better-call's cookie parser keeps a value it cannot decode).
inline std::string percent_decode(std::string_view text) {
  if (text.find('%') == std::string_view::npos) return std::string(text);
  const auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    const auto escape = text.find('%', i);
    out.append(text.substr(i, escape - i));  // the run of plain text, whole
    if (escape == std::string_view::npos) break;
    const int high = escape + 2 < text.size() ? hex(text[escape + 1]) : -1;
    const int low = high >= 0 ? hex(text[escape + 2]) : -1;
    if (low < 0) return std::string(text);
    out += static_cast<char>(high * 16 + low);
    i = escape + 3;
  }
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
