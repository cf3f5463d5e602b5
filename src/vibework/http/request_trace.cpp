#include "vibework/http/request_trace.hpp"

namespace vibework::http {

infra::TraceContext request_trace(const boost::beast::http::fields* headers) {
  // Two traceparent headers are not one trace to continue (treated as invalid).
  if (headers != nullptr && headers->count(infra::TRACEPARENT) == 1) {
    return infra::trace_from_header(headers->find(infra::TRACEPARENT)->value());
  }
  return infra::start_trace();
}

void set_traceresponse(boost::beast::http::fields& headers, const infra::TraceContext& trace) {
  char value[infra::TraceContext::traceparent_size];
  trace.write_traceparent(value);
  headers.set(TRACERESPONSE, std::string_view(value, sizeof(value)));
}

}  // namespace vibework::http
