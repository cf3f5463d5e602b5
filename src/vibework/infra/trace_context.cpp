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

// xoshiro256** seeded from the kernel's CSPRNG (getrandom(2)), one per thread: unique ids across
// threads, processes and hosts without a system call per trace (the kernel's generator costs
// ~100 ns for 24 bytes here; this ~2 ns). Trace ids are not secrets, as in OpenTelemetry's
// SDKs, which use the same kind of generator.
class Random {
 public:
  Random() {
    std::size_t got = 0;
    auto* bytes = reinterpret_cast<unsigned char*>(state_.data());
    while (got < sizeof(state_)) {
      const auto r = ::getrandom(bytes + got, sizeof(state_) - got, 0);
      if (r > 0) {
        got += static_cast<std::size_t>(r);
      } else if (r < 0 && errno != EINTR) {
        // No getrandom (seccomp, ancient kernel): random_device still seeds distinct streams.
        std::random_device device;
        for (auto& word : state_) word = (std::uint64_t{device()} << 32) ^ device();
        break;
      }
    }
    if (std::all_of(state_.begin(), state_.end(), [](std::uint64_t w) { return w == 0; })) state_[0] = 1;
  }
  std::uint64_t next() noexcept {
    const auto result = rotl(state_[1] * 5, 7) * 9;
    const auto t = state_[1] << 17;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= t;
    state_[3] = rotl(state_[3], 45);
    return result;
  }

 private:
  static std::uint64_t rotl(std::uint64_t x, int k) noexcept { return (x << k) | (x >> (64 - k)); }
  std::array<std::uint64_t, 4> state_{};
};

// Two lowercase hex digits for each byte value: one lookup per byte, not one per digit.
constexpr std::array<char, 512> hex_pairs = [] {
  std::array<char, 512> out{};
  for (std::size_t b = 0; b < 256; ++b) {
    out[2 * b] = hex_digits[b >> 4];
    out[2 * b + 1] = hex_digits[b & 0xf];
  }
  return out;
}();

// Lowercase hex of random bits into `out` (N a multiple of 16), never all zeros (invalid).
template <std::size_t N>
void random_hex(std::array<char, N>& out) {
  static_assert(N % 16 == 0);
  thread_local Random random;
  std::array<std::uint64_t, N / 16> words{};
  do {
    for (auto& w : words) w = random.next();
  } while (std::all_of(words.begin(), words.end(), [](std::uint64_t w) { return w == 0; }));
  char* at = out.data();
  for (const auto word : words) {
    for (int shift = 56; shift >= 0; shift -= 8, at += 2) {
      std::memcpy(at, &hex_pairs[2 * ((word >> shift) & 0xff)], 2);
    }
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

std::string random_id_hex() {
  std::array<char, 32> digits{};
  random_hex(digits);
  return std::string(digits.data(), digits.size());
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
