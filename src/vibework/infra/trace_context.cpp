#include "vibework/infra/trace_context.hpp"

#include <sys/random.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <random>

namespace vibework::infra {

namespace {
constexpr char hex_digits[] = "0123456789abcdef";
constexpr std::size_t v00_size = TraceContext::traceparent_size;  // 2 + 1 + 32 + 1 + 16 + 1 + 2

bool lower_hex(char c) noexcept { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }

bool all_lower_hex(std::string_view s) noexcept { return std::all_of(s.begin(), s.end(), lower_hex); }

bool all_zeros(std::string_view s) noexcept {
  return std::all_of(s.begin(), s.end(), [](char c) { return c == '0'; });
}

int hex_value(char c) noexcept { return c <= '9' ? c - '0' : c - 'a' + 10; }

// Random bytes from getrandom(2), fetched a few hundred at a time: one system call per ~10
// traces, and ids from the kernel's CSPRNG (unique across processes and hosts; W3C level 2
// asks for random trace ids).
class RandomBytes {
 public:
  void fill(char* out, std::size_t n) {
    while (n > 0) {
      if (used_ == buffer_.size()) refill();
      const auto take = std::min(n, buffer_.size() - used_);
      std::memcpy(out, buffer_.data() + used_, take);
      used_ += take;
      out += take;
      n -= take;
    }
  }

 private:
  void refill() {
    std::size_t got = 0;
    while (got < buffer_.size()) {
      const auto r = ::getrandom(buffer_.data() + got, buffer_.size() - got, 0);
      if (r > 0) {
        got += static_cast<std::size_t>(r);
      } else if (r < 0 && errno != EINTR) {
        // No getrandom (ancient kernel, seccomp): random_device still gives unique ids.
        std::random_device device;
        for (; got < buffer_.size(); ++got) buffer_[got] = static_cast<unsigned char>(device());
      }
    }
    used_ = 0;
  }
  std::array<unsigned char, 256> buffer_{};
  std::size_t used_ = buffer_.size();
};

// Lowercase hex of random bytes into `out`, never all zeros (invalid per the spec).
template <std::size_t N>
void random_hex(std::array<char, N>& out) {
  thread_local RandomBytes random;
  std::array<char, N / 2> bytes{};
  do {
    random.fill(bytes.data(), bytes.size());
  } while (std::all_of(bytes.begin(), bytes.end(), [](char b) { return b == 0; }));
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    const auto b = static_cast<unsigned char>(bytes[i]);
    out[2 * i] = hex_digits[b >> 4];
    out[2 * i + 1] = hex_digits[b & 0xf];
  }
}
}  // namespace

void TraceContext::write_traceparent(char* out) const noexcept {
  out[0] = '0';
  out[1] = '0';
  out[2] = '-';
  std::copy(trace_id.begin(), trace_id.end(), out + 3);
  out[35] = '-';
  std::copy(span_id.begin(), span_id.end(), out + 36);
  out[52] = '-';
  out[53] = hex_digits[flags >> 4];
  out[54] = hex_digits[flags & 0xf];
}

std::string TraceContext::traceparent() const {
  std::string out(traceparent_size, '\0');
  write_traceparent(out.data());
  return out;
}

std::optional<TraceContext> parse_traceparent(std::string_view h) noexcept {
  if (h.size() < v00_size) return std::nullopt;
  const auto version = h.substr(0, 2);
  if (!all_lower_hex(version) || version == "ff") return std::nullopt;
  const bool v00 = version == "00";
  // Version 00 is exactly its fields; a later version may append fields after a '-'.
  if (v00 ? h.size() != v00_size : (h.size() > v00_size && h[v00_size] != '-')) return std::nullopt;
  if (h[2] != '-' || h[35] != '-' || h[52] != '-') return std::nullopt;
  const auto trace_id = h.substr(3, 32);
  const auto parent_id = h.substr(36, 16);
  const auto flags = h.substr(53, 2);
  if (!all_lower_hex(trace_id) || !all_lower_hex(parent_id) || !all_lower_hex(flags)) return std::nullopt;
  if (all_zeros(trace_id) || all_zeros(parent_id)) return std::nullopt;
  TraceContext out;
  std::copy(trace_id.begin(), trace_id.end(), out.trace_id.begin());
  std::copy(parent_id.begin(), parent_id.end(), out.span_id.begin());
  out.flags = static_cast<std::uint8_t>(hex_value(flags[0]) << 4 | hex_value(flags[1]));
  // Flags other than sampled mean nothing we know of in a later version: not passed on.
  if (!v00) out.flags &= 0x01;
  return out;
}

TraceContext start_trace() {
  TraceContext out;
  random_hex(out.trace_id);
  random_hex(out.span_id);
  return out;
}

TraceContext continue_trace(const TraceContext& parent) {
  TraceContext out = parent;
  random_hex(out.span_id);
  return out;
}

TraceContext trace_from_header(std::string_view traceparent) {
  if (auto parent = parse_traceparent(traceparent)) return continue_trace(*parent);
  return start_trace();
}

}  // namespace vibework::infra
