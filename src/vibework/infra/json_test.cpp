#include "vibework/infra/json.hpp"

#include <boost/describe.hpp>
#include <boost/json.hpp>
#include <gtest/gtest.h>

namespace sample {
struct Event {
  std::string name;
  std::optional<int> count;
  std::chrono::system_clock::time_point at;
};
BOOST_DESCRIBE_STRUCT(Event, (), (name, count, at))
}  // namespace sample

using namespace vibework::infra;

TEST(Json, TimePointRoundTripsAsIso8601) {
  const auto t = TimePoint{} + std::chrono::milliseconds(1'795'000'123'456);
  EXPECT_EQ(format_iso8601(t), "2026-11-18T11:08:43.456Z");
  EXPECT_EQ(parse_iso8601("2026-11-18T11:08:43.456Z"), t);
  EXPECT_EQ(parse_iso8601("2026-11-18T11:08:43.456+00:00"), t);
  EXPECT_EQ(parse_iso8601("2026-11-18T11:08:43Z"), t - std::chrono::milliseconds(456));
  EXPECT_FALSE(parse_iso8601("2026-13-18T11:08:43Z"));
  EXPECT_FALSE(parse_iso8601("yesterday"));
  EXPECT_FALSE(parse_iso8601("2026-11-18T11:08:43"));
  EXPECT_FALSE(parse_iso8601("2026- 1-18T11:08:43Z")) << "digits only";
  EXPECT_FALSE(parse_iso8601("2026-02-30T11:08:43Z"));
  const TimePoint leap = std::chrono::sys_days{std::chrono::year{2028} / 2 / 29} + std::chrono::hours{23} +
                         std::chrono::minutes{59} + std::chrono::seconds{59} + std::chrono::milliseconds{999};
  EXPECT_EQ(format_iso8601(leap), "2028-02-29T23:59:59.999Z");
  EXPECT_EQ(parse_iso8601("2028-02-29T23:59:59.999Z"), leap);
  const TimePoint before_1970 = TimePoint{} - std::chrono::milliseconds(1);
  EXPECT_EQ(format_iso8601(before_1970), "1969-12-31T23:59:59.999Z") << "as JavaScript's toISOString";
  EXPECT_EQ(format_iso8601(TimePoint{}), "1970-01-01T00:00:00.000Z");
}

TEST(Json, DescribedStructsConvertBothWays) {
  sample::Event e{"signup", std::nullopt, TimePoint{} + std::chrono::milliseconds(1'000)};
  auto v = boost::json::value_from(e);
  EXPECT_EQ(boost::json::serialize(v), R"({"name":"signup","count":null,"at":"1970-01-01T00:00:01.000Z"})");
  auto back = boost::json::value_to<sample::Event>(v);
  EXPECT_EQ(back.name, "signup");
  EXPECT_FALSE(back.count);
  EXPECT_EQ(back.at, e.at);
  EXPECT_THROW(boost::json::value_to<sample::Event>(boost::json::parse(R"({"name":"x","count":1,"at":"never"})")),
               std::exception);
}
