#pragma once
// The trace of one HTTP request (W3C Trace Context): it continues the client's `traceparent`
// when there is exactly one valid such header, else it starts a new trace. Either way the
// request gets a span id of its own, which the server sends back as
//
//   traceresponse: 00-<trace-id>-<the server's span id>-<flags>
//
// (W3C Trace Context Level 2's response header; not `traceparent`, which is a request header),
// and which events written while handling it carry on as their parent (their traceparent).
#include <boost/beast/http/fields.hpp>

#include "vibework/infra/trace_context.hpp"

namespace vibework::http {

inline constexpr std::string_view TRACERESPONSE = "traceresponse";

// `headers` may be null (no request header was read): a new trace.
infra::TraceContext request_trace(const boost::beast::http::fields* headers);

// Sets the traceresponse header from `trace`.
void set_traceresponse(boost::beast::http::fields& headers, const infra::TraceContext& trace);

}  // namespace vibework::http
