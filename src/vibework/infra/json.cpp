#include "vibework/infra/json.hpp"

#include <stdexcept>

#include <boost/json/string.hpp>
#include <fmt/format.h>

namespace vibework::infra {

namespace {
// Hand-written both ways: these run several times per session read (no sscanf, gmtime or fmt).
void put_digits(char* out, long long value, int width) {
  for (int i = width - 1; i >= 0; --i, value /= 10) out[i] = static_cast<char>('0' + value % 10);
}

bool read_digits(std::string_view text, std::size_t pos, int width, int& value) {
  value = 0;
  for (int i = 0; i < width; ++i) {
    const char c = text[pos + static_cast<std::size_t>(i)];
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  return true;
}
}  // namespace

std::string format_iso8601(TimePoint t) {
  using namespace std::chrono;
  const auto ms_total = duration_cast<milliseconds>(t.time_since_epoch());
  const auto day = floor<days>(ms_total);
  const year_month_day ymd{sys_days{day}};
  const auto in_day = ms_total - day;
  const auto ms = in_day.count();
  const int year = static_cast<int>(ymd.year());
  if (year < 0 || year > 9999) {  // JavaScript's expanded years: +275760-09-13T00:00:00.000Z
    return fmt::format("{:+07}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", year, static_cast<unsigned>(ymd.month()),
                       static_cast<unsigned>(ymd.day()), ms / 3'600'000, ms / 60'000 % 60, ms / 1000 % 60, ms % 1000);
  }
  std::string out("0000-00-00T00:00:00.000Z");
  put_digits(out.data(), year, 4);
  put_digits(out.data() + 5, static_cast<unsigned>(ymd.month()), 2);
  put_digits(out.data() + 8, static_cast<unsigned>(ymd.day()), 2);
  put_digits(out.data() + 11, ms / 3'600'000, 2);
  put_digits(out.data() + 14, ms / 60'000 % 60, 2);
  put_digits(out.data() + 17, ms / 1000 % 60, 2);
  put_digits(out.data() + 20, ms % 1000, 3);
  return out;
}

std::optional<TimePoint> parse_iso8601(std::string_view s) {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (s.size() < 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':' ||
      !read_digits(s, 0, 4, year) || !read_digits(s, 5, 2, month) || !read_digits(s, 8, 2, day) ||
      !read_digits(s, 11, 2, hour) || !read_digits(s, 14, 2, minute) || !read_digits(s, 17, 2, second)) {
    return std::nullopt;
  }
  std::size_t pos = 19;
  int millis = 0;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    int digits = 0;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      if (digits < 3) millis = millis * 10 + (s[pos] - '0');
      ++digits;
      ++pos;
    }
    if (digits == 0) return std::nullopt;
    for (int d = digits; d < 3; ++d) millis *= 10;
  }
  const std::string_view zone = s.substr(pos);
  if (zone != "Z" && zone != "+00:00") return std::nullopt;
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return std::nullopt;
  using namespace std::chrono;
  const auto ymd = year_month_day{std::chrono::year{year}, std::chrono::month{static_cast<unsigned>(month)},
                                  std::chrono::day{static_cast<unsigned>(day)}};
  if (!ymd.ok()) return std::nullopt;
  return sys_days{ymd} + hours{hour} + minutes{minute} + seconds{second} + milliseconds{millis};
}

}  // namespace vibework::infra

namespace boost::json {

void tag_invoke(value_from_tag, value& out, const std::chrono::system_clock::time_point& t) {
  out = vibework::infra::format_iso8601(t);
}

std::chrono::system_clock::time_point tag_invoke(value_to_tag<std::chrono::system_clock::time_point>, const value& in) {
  if (const auto* s = in.if_string()) {
    if (auto t = vibework::infra::parse_iso8601(*s)) return *t;
  }
  throw std::invalid_argument("expected an ISO 8601 UTC timestamp such as 2026-11-29T04:02:40.123Z");
}

}  // namespace boost::json
