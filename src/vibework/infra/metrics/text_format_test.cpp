#include "vibework/infra/metrics/text_format.hpp"

#include <limits>

#include <gtest/gtest.h>

namespace vibework::infra::metrics::detail {
namespace {

std::string label(std::string_view v) {
  std::string out;
  append_label_value(out, v);
  return out;
}
std::string number(double v) {
  std::string out;
  append_number(out, v);
  return out;
}

TEST(MetricsTextFormat, EscapesLabelValues) {
  EXPECT_EQ(label("plain"), "plain");
  EXPECT_EQ(label(R"(a\b)"), R"(a\\b)");
  EXPECT_EQ(label(R"(say "hi")"), R"(say \"hi\")");
  EXPECT_EQ(label("two\nlines"), R"(two\nlines)");
}

TEST(MetricsTextFormat, EscapesHelpButNotQuotes) {
  std::string out;
  append_help(out, "a \"quoted\" \\ and\nnewline");
  EXPECT_EQ(out, R"(a "quoted" \\ and\nnewline)");
}

TEST(MetricsTextFormat, NumbersRoundTripAndSpecialValues) {
  EXPECT_EQ(number(0), "0");
  EXPECT_EQ(number(3), "3");
  EXPECT_EQ(number(0.005), "0.005");
  EXPECT_EQ(number(-2.5), "-2.5");
  EXPECT_EQ(number(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(number(-std::numeric_limits<double>::infinity()), "-Inf");
  EXPECT_EQ(number(std::numeric_limits<double>::quiet_NaN()), "NaN");
  EXPECT_EQ(std::stod(number(123456789012.0)), 123456789012.0);
}

}  // namespace
}  // namespace vibework::infra::metrics::detail
