#pragma once
// RateLimiter: Better-Auth's rate limits (facts file §7.3), counted in Redis so they hold across
// every instance. One Lua script per request reads, decides and writes the bucket atomically
// (with Redis's clock), so a parallel burst cannot slip past the limit. When Redis cannot be
// reached, an in-process limiter with the same arithmetic takes over (per instance, logged once
// per outage) rather than no limit at all.
//
//   auth::RateLimiter limiter(options, &redis);
//   if (auto refused = co_await limiter.check(req, "/sign-in/email")) co_return std::move(*refused);  // 429
#include <atomic>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "vibework/auth/rate_limit_rules.hpp"
#include "vibework/auth/session_policy.hpp"
#include "vibework/http/request.hpp"
#include "vibework/http/response.hpp"
#include "vibework/infra/asio.hpp"
#include "vibework/redis/client.hpp"

namespace vibework::auth {

struct RateLimitOptions {
  bool enabled = false;        // AUTH_RATE_LIMIT; Better-Auth's default: on in production
  RateLimitRule default_rule;  // AUTH_RATE_LIMIT_WINDOW / AUTH_RATE_LIMIT_MAX: 100 per 10 s
  bool production = false;     // no usable client address: the shared "no-trusted-ip" bucket
  TrustedProxies proxies;      // TRUST_PROXY
  std::string key_prefix = "auth:rate:";
};

class RateLimiter {
 public:
  // `redis` may be null: the in-process limiter alone.
  RateLimiter(RateLimitOptions options, redis::Client* redis, Clock clock = {});

  // The 429 answer when the request is over its limit; nullopt to go on. `path` is the path
  // below the base path ("/sign-in/email"), which picks the rule and names the bucket.
  awaitable<std::optional<http::Response>> check(const http::Request& req, std::string_view path);
  // One request counted in `key`'s bucket under `rule`.
  awaitable<RateDecision> consume(std::string key, RateLimitRule rule);

  const RateLimitOptions& options() const noexcept { return options_; }
  // Counts each request refused with 429 (set before serving; default: records nothing).
  void set_refusal_counter(infra::metrics::Counter counter) { refused_ = counter; }

 private:
  RateDecision consume_locally(const std::string& key, const RateLimitRule& rule);

  RateLimitOptions options_;
  infra::metrics::Counter refused_;
  redis::Client* redis_;
  Clock clock_;
  std::atomic<bool> degraded_{false};
  std::mutex mutex_;
  std::unordered_map<std::string, RateBucket> local_;
};

// Better-Auth's 429: {"message":"Too many requests. Please try again later."} with X-Retry-After.
http::Response too_many_requests(std::chrono::seconds retry_after);

}  // namespace vibework::auth
