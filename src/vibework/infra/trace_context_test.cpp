#include "vibework/infra/trace_context.hpp"

#include <set>

#include <gtest/gtest.h>

using namespace vibework::infra;

namespace {
// The spec's example ids.
constexpr std::string_view trace_id = "4bf92f3577b34da6a3ce929d0e0e4736";
constexpr std::string_view parent_id = "00f067aa0ba902b7";
const std::string example = "00-" + std::string(trace_id) + "-" + std::string(parent_id) + "-01";

bool lower_hex(std::string_view s) {
  return s.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}
}  // namespace

TEST(TraceContext, ParsesTheSpecsExample) {
  const auto t = parse_traceparent(example);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->trace_id_hex(), trace_id);
  EXPECT_EQ(t->span_id_hex(), parent_id);
  EXPECT_EQ(t->flags, 0x01);
  EXPECT_TRUE(t->sampled());
  EXPECT_EQ(t->traceparent(), example) << "formats back to the same header";

  const auto unsampled = parse_traceparent("00-" + std::string(trace_id) + "-" + std::string(parent_id) + "-00");
  ASSERT_TRUE(unsampled);
  EXPECT_FALSE(unsampled->sampled());
  // Version 00 keeps flags it does not know (they are passed on as received).
  const auto other_flags = parse_traceparent("00-" + std::string(trace_id) + "-" + std::string(parent_id) + "-09");
  ASSERT_TRUE(other_flags);
  EXPECT_EQ(other_flags->flags, 0x09);
  EXPECT_EQ(other_flags->traceparent().substr(53), "09");
}

TEST(TraceContext, RejectsMalformedHeaders) {
  const std::string t(trace_id), p(parent_id);
  const std::vector<std::string> bad = {
      "",
      "00",
      "00-" + t + "-" + p,                                  // no flags
      "00-" + t + "-" + p + "-0",                           // short flags
      "00-" + t + "-" + p + "-01-",                         // version 00 has nothing after flags
      "00-" + t + "-" + p + "-01-extra",
      "00-" + t + "-" + p + "-001",                         // long flags
      "00-" + t.substr(1) + "-" + p + "-01",                // 31-digit trace id
      "00-" + t + "0-" + p + "-01",                         // 33-digit trace id
      "00-" + t + "-" + p.substr(1) + "-01",                // 15-digit parent id
      "00-" + t + "-" + p + "0-01",                         // 17-digit parent id
      "00-00000000000000000000000000000000-" + p + "-01",   // all-zero trace id
      "00-" + t + "-0000000000000000-01",                   // all-zero parent id
      "00-4BF92F3577B34DA6A3CE929D0E0E4736-" + p + "-01",   // uppercase trace id
      "00-" + t + "-00F067AA0BA902B7-01",                   // uppercase parent id
      "00-" + t + "-" + p + "-0A",                          // uppercase flags
      "0A-" + t + "-" + p + "-01",                          // uppercase version
      "ff-" + t + "-" + p + "-01",                          // version ff is invalid
      "0x-" + t + "-" + p + "-01",                          // version not hex
      "00_" + t + "-" + p + "-01",                          // wrong delimiters
      "00-" + t + "_" + p + "-01",
      "00-" + t + "-" + p + "_01",
      "00-4bf92f3577b34da6a3ce929d0e0e473g-" + p + "-01",   // not hex
      " 00-" + t + "-" + p + "-01",                         // not trimmed by the parser
  };
  for (const auto& h : bad) EXPECT_FALSE(parse_traceparent(h)) << "accepted: '" << h << "'";
}

// A later version is read as far as version 00's fields go (the spec's forward compatibility).
TEST(TraceContext, ReadsFutureVersionsByTheVersion00Layout) {
  const std::string t(trace_id), p(parent_id);
  const auto exact = parse_traceparent("cc-" + t + "-" + p + "-01");
  ASSERT_TRUE(exact);
  EXPECT_EQ(exact->trace_id_hex(), trace_id);
  const auto longer = parse_traceparent("cc-" + t + "-" + p + "-01-what-the-future-will-be-like");
  ASSERT_TRUE(longer);
  EXPECT_EQ(longer->span_id_hex(), parent_id);
  EXPECT_TRUE(longer->sampled());
  EXPECT_EQ(longer->traceparent(), example) << "passed on as version 00";
  const auto unknown_flags = parse_traceparent("01-" + t + "-" + p + "-09");
  ASSERT_TRUE(unknown_flags);
  EXPECT_EQ(unknown_flags->flags, 0x01) << "only the sampled flag of a later version means something";

  EXPECT_FALSE(parse_traceparent("cc-" + t + "-" + p + "-01what")) << "flags must end the header or meet a '-'";
  EXPECT_FALSE(parse_traceparent("cc-" + t + "-" + p + "-0")) << "shorter than 55";
  EXPECT_FALSE(parse_traceparent("cc-00000000000000000000000000000000-" + p + "-01"));
}

TEST(TraceContext, StartsTracesWithRandomNonZeroIds) {
  std::set<std::string> traces, spans;
  for (int i = 0; i < 1000; ++i) {
    const auto t = start_trace();
    EXPECT_TRUE(lower_hex(t.trace_id_hex()));
    EXPECT_TRUE(lower_hex(t.span_id_hex()));
    EXPECT_EQ(t.flags, 0);
    EXPECT_TRUE(parse_traceparent(t.traceparent())) << "a valid header: " << t.traceparent();
    traces.emplace(t.trace_id_hex());
    spans.emplace(t.span_id_hex());
  }
  EXPECT_EQ(traces.size(), 1000u);
  EXPECT_EQ(spans.size(), 1000u);
}

TEST(TraceContext, ContinuesATraceWithANewSpan) {
  const auto parent = *parse_traceparent(example);
  const auto next = continue_trace(parent);
  EXPECT_EQ(next.trace_id_hex(), trace_id);
  EXPECT_NE(next.span_id_hex(), parent_id);
  EXPECT_EQ(next.flags, parent.flags);

  const auto from_header = trace_from_header(example);
  EXPECT_EQ(from_header.trace_id_hex(), trace_id);
  EXPECT_NE(from_header.span_id_hex(), parent_id) << "this hop's span, not the caller's";

  const auto fresh = trace_from_header("00-garbage");
  EXPECT_NE(fresh.trace_id_hex(), trace_id);
  EXPECT_TRUE(parse_traceparent(fresh.traceparent()));
}
