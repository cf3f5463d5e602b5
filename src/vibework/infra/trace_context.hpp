#pragma once
// W3C Trace Context (https://www.w3.org/TR/trace-context/): the `traceparent` header,
//
//   00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01
//   version-trace-id (32 hex)-parent-id (16 hex)-trace-flags
//
// and the context one piece of work (an HTTP request, a Pub/Sub message) runs in: the trace it
// belongs to and its own span id, which is the parent-id of whatever it passes the trace on to.
// vibework records no spans itself; the ids exist so logs of one trace can be found together
// (current_trace.hpp puts the trace id on every log line).
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace vibework::infra {

// The header and message attribute name.
inline constexpr std::string_view TRACEPARENT = "traceparent";

struct TraceContext {
  std::array<char, 32> trace_id{};  // lowercase hex, never all zeros
  std::array<char, 16> span_id{};   // lowercase hex, never all zeros
  std::uint8_t flags = 0;           // bit 0: sampled (passed on as received)

  std::string_view trace_id_hex() const noexcept { return {trace_id.data(), trace_id.size()}; }
  std::string_view span_id_hex() const noexcept { return {span_id.data(), span_id.size()}; }
  bool sampled() const noexcept { return (flags & 0x01) != 0; }
  // "00-<trace-id>-<span-id>-<flags>": what to send on, with this context as the parent.
  std::string traceparent() const;
  static constexpr std::size_t traceparent_size = 55;
  // The same into `out` (traceparent_size characters, no terminator): no allocation.
  void write_traceparent(char* out) const noexcept;

  bool operator==(const TraceContext&) const = default;
};

// A traceparent as the spec's parsing rules read it: version 00 exactly 55 characters; a later
// version (not ff) at least 55, its version-00 fields read and anything after a '-' ignored
// (only its sampled flag is kept). Lowercase hex only; all-zero ids are invalid. nullopt when
// invalid: the receiver then starts a new trace.
std::optional<TraceContext> parse_traceparent(std::string_view header) noexcept;

// A new trace: random trace id and span id (a per-thread generator seeded from the kernel's
// CSPRNG), flags 00 (not sampled: vibework records nothing a tracing backend could sample).
TraceContext start_trace();

// The next hop of `parent`'s trace: same trace id and flags, a new random span id.
TraceContext continue_trace(const TraceContext& parent);

// continue_trace(parsed header) when the header is valid, else start_trace().
TraceContext trace_from_header(std::string_view traceparent);

// 32 lowercase hex digits from the generator trace ids come from (one per thread, seeded by the
// kernel): unique across threads, processes and hosts, not secret. For other ids (X-Request-Id).
std::string random_id_hex();

}  // namespace vibework::infra
