#pragma once
// Which rate limit applies to an auth request, and whose bucket it counts in, as Better-Auth
// 1.7 decides (facts file §7.3). The counting itself is Redis's (atomic across instances).
//
//   auto rule = auth::rate_limit_rule("/sign-in/email");            // 3 per 10 s
//   auto ip = auth::rate_limit_ip(auth::client_address(peer, xff, proxies), production);
//   auto key = ip + "|" + path;                                       // Better-Auth's key
#include <array>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vibework::auth {

struct RateLimitRule {
  std::chrono::seconds window{10};
  int max = 100;
  bool operator==(const RateLimitRule&) const = default;
};

// The rule for `path` below the base path: 3 per 10 s for sign-in, sign-up, change-password
// and change-email; 3 per 60 s for the mails (password reset, verification); else the default.
RateLimitRule rate_limit_rule(std::string_view path, const RateLimitRule& default_rule = {});

// TRUST_PROXY: the CIDRs ("10.0.0.0/8, 127.0.0.1, ::1/128") of the proxies whose
// X-Forwarded-For is believed. Empty: none, the socket peer is the client.
class TrustedProxies {
 public:
  TrustedProxies() = default;
  // Throws std::invalid_argument naming the entry that is not an address or CIDR.
  static TrustedProxies parse(std::string_view list);
  bool empty() const noexcept { return networks_.empty(); }
  bool contains(std::string_view address) const;

 private:
  struct Network {
    std::array<unsigned char, 16> bytes{};  // IPv4 as IPv4-mapped IPv6
    unsigned prefix = 128;
  };
  std::vector<Network> networks_;
};

// The client's address: the socket peer, unless the peer is a trusted proxy; then the
// X-Forwarded-For chain is walked from the right, past trusted hops, and the first address
// that is not one is the client. "" when no usable address is found.
std::string client_address(std::string_view peer, std::string_view forwarded_for, const TrustedProxies& proxies);

// The rate-limit bucket of an address: IPv4 as is, IPv4-mapped IPv6 as IPv4, other IPv6
// masked to its /64. Without a usable address: "127.0.0.1" in development, and in production
// Better-Auth's shared fail-closed bucket "no-trusted-ip".
std::string rate_limit_ip(std::string_view address, bool production);

// Better-Auth's counting (memory storage): the window runs from the last allowed request.
struct RateBucket {
  int count = 0;
  std::chrono::system_clock::time_point last{};
};
struct RateDecision {
  bool allowed = true;
  std::chrono::seconds retry_after{0};  // when refused
};
RateDecision consume(RateBucket& bucket, const RateLimitRule& rule, std::chrono::system_clock::time_point now);

// Seconds until the bucket admits again: ceil(last_allowed + window - now), at least 1.
std::chrono::seconds retry_after(std::chrono::system_clock::time_point last_allowed, std::chrono::seconds window,
                                 std::chrono::system_clock::time_point now);

}  // namespace vibework::auth
