#include "vibework/auth/rate_limiter.hpp"

#include <spdlog/spdlog.h>

#include <boost/json/object.hpp>

#include "vibework/auth/endpoint.hpp"

namespace vibework::auth {

namespace {
// Better-Auth's memory algorithm (see consume() in rate_limit_rules.hpp) on Redis's clock:
// returns 0 when allowed, else the milliseconds until the bucket admits again.
constexpr std::string_view consume_script = R"lua(
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local window = tonumber(ARGV[1])
local max = tonumber(ARGV[2])
local bucket = redis.call('HMGET', KEYS[1], 'count', 'last')
local count = tonumber(bucket[1])
local last = tonumber(bucket[2])
if count == nil or now - last >= window then
  redis.call('HSET', KEYS[1], 'count', 1, 'last', now)
  redis.call('PEXPIRE', KEYS[1], window)
  return 0
end
if count >= max then return math.max(last + window - now, 1) end
redis.call('HSET', KEYS[1], 'count', count + 1, 'last', now)
redis.call('PEXPIRE', KEYS[1], window)
return 0
)lua";

// Buckets older than the longest rule (60 s) are dropped when the local map grows this big.
constexpr std::size_t local_prune_at = 10'000;
}  // namespace

http::Response too_many_requests(std::chrono::seconds retry_after) {
  auto res = http::json_response(http::Status::too_many_requests,
                                 boost::json::object{{"code", "TOO_MANY_REQUESTS"},
                                                     {"message", "Too many requests. Please try again later."}});
  res.set("X-Retry-After", std::to_string(retry_after.count()));
  return res;
}

RateLimiter::RateLimiter(RateLimitOptions options, redis::Client* redis, Clock clock)
    : options_(std::move(options)), redis_(redis), clock_(std::move(clock)) {}

awaitable<std::optional<http::Response>> RateLimiter::check(const http::Request& req, std::string_view path) {
  if (!options_.enabled) co_return std::nullopt;
  const auto ip = rate_limit_ip(client_address(req, options_.proxies), options_.production);
  const auto rule = rate_limit_rule(path, options_.default_rule);
  const auto decision = co_await consume(ip + "|" + std::string(path), rule);
  if (decision.allowed) co_return std::nullopt;
  refused_.inc();
  co_return too_many_requests(decision.retry_after);
}

awaitable<RateDecision> RateLimiter::consume(std::string key, RateLimitRule rule) {
  if (redis_ != nullptr) {
    try {
      const auto window_ms = std::to_string(std::chrono::milliseconds(rule.window).count());
      const auto max = std::to_string(rule.max);
      const auto full_key = options_.key_prefix + key;
      auto reply = co_await redis_->command("EVAL", consume_script, "1", full_key, window_ms, max);
      const auto wait_ms = reply.to_integer("EVAL (rate limit)");
      if (degraded_.exchange(false)) spdlog::info("auth: rate limits are counted in Redis again");
      if (wait_ms == 0) co_return RateDecision{};
      co_return RateDecision{false, std::max(std::chrono::seconds(1), std::chrono::ceil<std::chrono::seconds>(
                                                                          std::chrono::milliseconds(wait_ms)))};
    } catch (const std::exception& e) {
      if (!degraded_.exchange(true)) {
        spdlog::warn("auth: Redis is unavailable for rate limits ({}); counting in this process until it is back",
                     e.what());
      }
    }
  }
  co_return consume_locally(key, rule);
}

RateDecision RateLimiter::consume_locally(const std::string& key, const RateLimitRule& rule) {
  const auto now = now_by(clock_);
  std::lock_guard lock(mutex_);
  if (local_.size() >= local_prune_at) {
    std::erase_if(local_, [now](const auto& item) { return now - item.second.last >= std::chrono::seconds(60); });
  }
  return auth::consume(local_[key], rule, now);
}

}  // namespace vibework::auth
