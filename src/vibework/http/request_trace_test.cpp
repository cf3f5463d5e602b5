#include "vibework/http/request_trace.hpp"

#include <gtest/gtest.h>

using namespace vibework;

namespace {
constexpr std::string_view incoming = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
}

TEST(RequestTrace, ContinuesOneValidTraceparent) {
  boost::beast::http::fields headers;
  headers.set("TraceParent", incoming);  // header names are case-insensitive
  const auto trace = http::request_trace(&headers);
  EXPECT_EQ(trace.trace_id_hex(), "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_NE(trace.span_id_hex(), "00f067aa0ba902b7") << "the server's own span";
  EXPECT_TRUE(trace.sampled());

  boost::beast::http::fields response;
  http::set_traceresponse(response, trace);
  EXPECT_EQ(response["traceresponse"], trace.traceparent());
  EXPECT_EQ(response["traceresponse"].substr(0, 36), "00-4bf92f3577b34da6a3ce929d0e0e4736-");
}

TEST(RequestTrace, StartsATraceWithoutAUsableHeader) {
  boost::beast::http::fields none, invalid, twice;
  invalid.set("traceparent", "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01");
  twice.insert("traceparent", incoming);
  twice.insert("traceparent", incoming);
  for (const auto* headers : {&none, &invalid, &twice}) {
    const auto trace = http::request_trace(headers);
    EXPECT_NE(trace.trace_id_hex(), "4bf92f3577b34da6a3ce929d0e0e4736");
    EXPECT_FALSE(trace.sampled());
  }
  EXPECT_TRUE(infra::parse_traceparent(http::request_trace(nullptr).traceparent()));
}
