#include "vibework/infra/json.hpp"

#include <cstdio>
#include <ctime>
#include <stdexcept>

#include <boost/json/string.hpp>
#include <fmt/format.h>

namespace vibework::infra {

std::string format_iso8601(TimePoint t) {
  const auto ms_total = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
  auto secs = static_cast<std::time_t>(ms_total / 1000);
  auto ms = ms_total % 1000;
  if (ms < 0) {
    ms += 1000;
    secs -= 1;
  }
  std::tm tm{};
  gmtime_r(&secs, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                     tm.tm_hour, tm.tm_min, tm.tm_sec, ms);
}

std::optional<TimePoint> parse_iso8601(std::string_view text) {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0, consumed = 0;
  const std::string s(text);
  if (std::sscanf(s.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &year, &month, &day, &hour, &minute, &second, &consumed) != 6 ||
      consumed != 19) {
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
  const std::string_view zone = std::string_view(s).substr(pos);
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
