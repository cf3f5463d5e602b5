#pragma once
// JSON for the types Boost.JSON does not convert by itself. Structs declared with
// BOOST_DESCRIBE_STRUCT convert automatically (boost::json::value_from / value_to), and so do
// std::optional members (null <-> nullopt). This adds timestamps:
// std::chrono::system_clock::time_point <-> "2026-11-29T04:02:40.123Z" (UTC, milliseconds).
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include <boost/json/value.hpp>
#include <boost/json/value_from.hpp>
#include <boost/json/value_to.hpp>

namespace vibework::infra {

using TimePoint = std::chrono::system_clock::time_point;

// ISO 8601 in UTC with milliseconds, the format JavaScript's Date#toISOString writes.
std::string format_iso8601(TimePoint t);
// Accepts "YYYY-MM-DDTHH:MM:SS[.fff]Z" (and "+00:00"); nullopt when malformed.
std::optional<TimePoint> parse_iso8601(std::string_view text);

}  // namespace vibework::infra

// Found by argument-dependent lookup through Boost.JSON's tag types.
namespace boost::json {
void tag_invoke(value_from_tag, value& out, const std::chrono::system_clock::time_point& t);
std::chrono::system_clock::time_point tag_invoke(value_to_tag<std::chrono::system_clock::time_point>,
                                                 const value& in);
}  // namespace boost::json
