#pragma once
// Which rate limit applies to an auth request, and whose bucket it counts in, as Better-Auth
// 1.7 decides (facts file §7.3). The counting itself is Redis's (atomic across instances).
//
//   auto rule = auth::rate_limit_rule("/sign-in/email");            // 3 per 10 s
//   auto ip = auth::client_ip(request.header("X-Forwarded-For"), production);
//   auto key = ip + "|" + path;                                       // Better-Auth's key
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace vibework::auth {

struct RateLimitRule {
  std::chrono::seconds window{10};
  int max = 100;
  bool operator==(const RateLimitRule&) const = default;
};

// The rule for `path` below the base path: 3 per 10 s for sign-in, sign-up, change-password
// and change-email; 3 per 60 s for the mails (password reset, verification); else the default.
RateLimitRule rate_limit_rule(std::string_view path, const RateLimitRule& default_rule = {});

// The client's address from X-Forwarded-For, which must hold exactly one address (no trusted
// proxies configured): IPv4 as is, IPv4-mapped IPv6 as IPv4, other IPv6 masked to its /64.
// Without a usable address: "127.0.0.1" in development, and in production the shared
// fail-closed bucket "no-trusted-ip".
std::string client_ip(std::string_view forwarded_for, bool production);

// Seconds until the bucket admits again: ceil(last_allowed + window - now), at least 1.
std::chrono::seconds retry_after(std::chrono::system_clock::time_point last_allowed, std::chrono::seconds window,
                                 std::chrono::system_clock::time_point now);

}  // namespace vibework::auth
