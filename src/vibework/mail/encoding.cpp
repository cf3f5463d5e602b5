#include "vibework/mail/encoding.hpp"

#include <ctime>

#include <fmt/format.h>

namespace vibework::mail::encoding {

namespace {
constexpr char hex_digits[] = "0123456789ABCDEF";

bool printable_ascii(std::string_view s) {
  for (unsigned char c : s) {
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

// Bytes of whole UTF-8 characters, at most `max` bytes, from the front of `s`.
std::size_t whole_chars(std::string_view s, std::size_t max) {
  if (s.size() <= max) return s.size();
  std::size_t n = max;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;  // do not cut a character
  return n == 0 ? max : n;
}

std::string encoded_words(std::string_view text) {
  // 39 bytes -> 52 base64 characters -> a 64-character word: "Subject: " + word < 78.
  std::string out;
  while (!text.empty()) {
    const auto n = whole_chars(text, 39);
    if (!out.empty()) out += "\r\n ";
    out += "=?UTF-8?B?" + base64(text.substr(0, n)) + "?=";
    text.remove_prefix(n);
  }
  return out;
}
}  // namespace

std::string base64(std::string_view bytes) {
  static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const unsigned v = static_cast<unsigned char>(bytes[i]) << 16 | static_cast<unsigned char>(bytes[i + 1]) << 8 |
                       static_cast<unsigned char>(bytes[i + 2]);
    out += alphabet[v >> 18 & 63];
    out += alphabet[v >> 12 & 63];
    out += alphabet[v >> 6 & 63];
    out += alphabet[v & 63];
  }
  if (i < bytes.size()) {
    unsigned v = static_cast<unsigned char>(bytes[i]) << 16;
    if (i + 1 < bytes.size()) v |= static_cast<unsigned char>(bytes[i + 1]) << 8;
    out += alphabet[v >> 18 & 63];
    out += alphabet[v >> 12 & 63];
    out += i + 1 < bytes.size() ? alphabet[v >> 6 & 63] : '=';
    out += '=';
  }
  return out;
}

std::string quoted_printable(std::string_view text) {
  std::string out;
  std::size_t line_length = 0;
  auto emit = [&](std::string_view piece) {
    if (line_length + piece.size() > 75) {  // room for the soft break's '='
      out += "=\r\n";
      line_length = 0;
    }
    out += piece;
    line_length += piece.size();
  };
  std::size_t start = 0;
  while (start <= text.size()) {
    auto end = text.find('\n', start);
    const bool last = end == std::string_view::npos;
    if (last) end = text.size();
    std::string_view line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    for (std::size_t i = 0; i < line.size(); ++i) {
      const auto c = static_cast<unsigned char>(line[i]);
      const bool trailing_space = (c == ' ' || c == '\t') && i + 1 == line.size();
      // '.' first on a line is encoded so no SMTP server ever sees a lone "." line.
      const bool leading_dot = c == '.' && line_length == 0;
      if ((c >= 33 && c <= 126 && c != '=' && !leading_dot) || ((c == ' ' || c == '\t') && !trailing_space)) {
        const char ch = static_cast<char>(c);
        emit(std::string_view(&ch, 1));
      } else {
        const char encoded[3] = {'=', hex_digits[c >> 4], hex_digits[c & 15]};
        emit(std::string_view(encoded, 3));
      }
    }
    if (last) break;
    out += "\r\n";
    line_length = 0;
    start = end + 1;
  }
  return out;
}

std::string header_text(std::string_view text) {
  if (printable_ascii(text)) return std::string(text);
  return encoded_words(text);
}

std::string display_name(std::string_view name) {
  if (!printable_ascii(name)) return encoded_words(name);
  if (name.find_first_of("()<>[]:;@\\,.\"") == std::string_view::npos) return std::string(name);
  std::string out = "\"";
  for (char c : name) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string rfc5322_date(std::chrono::system_clock::time_point t) {
  static constexpr const char* days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                           "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const std::time_t seconds = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  ::gmtime_r(&seconds, &tm);
  return fmt::format("{}, {:02} {} {} {:02}:{:02}:{:02} +0000", days[tm.tm_wday], tm.tm_mday, months[tm.tm_mon],
                     tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

}  // namespace vibework::mail::encoding
