#include "vibework/auth/rate_limit_rules.hpp"

#include <algorithm>
#include <optional>
#include <stdexcept>

#include <boost/asio/ip/address.hpp>

#include "vibework/auth/text.hpp"

namespace vibework::auth {

namespace {
bool starts_with_any(std::string_view path, std::initializer_list<std::string_view> prefixes) {
  for (auto p : prefixes) {
    if (path.starts_with(p)) return true;
  }
  return false;
}

bool equals_any(std::string_view path, std::initializer_list<std::string_view> paths) {
  for (auto p : paths) {
    if (path == p) return true;
  }
  return false;
}
}  // namespace

RateLimitRule rate_limit_rule(std::string_view path, const RateLimitRule& default_rule) {
  if (starts_with_any(path, {"/sign-in", "/sign-up", "/change-password", "/change-email"})) {
    return {std::chrono::seconds(10), 3};
  }
  if (equals_any(path, {"/request-password-reset", "/send-verification-email", "/email-otp/send-verification-otp",
                        "/email-otp/request-password-reset"}) ||
      path.starts_with("/forget-password")) {
    return {std::chrono::seconds(60), 3};
  }
  return default_rule;
}

namespace {
std::optional<boost::asio::ip::address> parse_address(std::string_view text) {
  boost::system::error_code ec;
  auto address = boost::asio::ip::make_address(std::string(trim(text)), ec);
  if (ec) return std::nullopt;
  return address;
}

std::array<unsigned char, 16> v6_bytes(const boost::asio::ip::address& a) {
  if (a.is_v4()) return boost::asio::ip::make_address_v6(boost::asio::ip::v4_mapped, a.to_v4()).to_bytes();
  return a.to_v6().to_bytes();
}

bool same_prefix(const std::array<unsigned char, 16>& a, const std::array<unsigned char, 16>& b, unsigned prefix) {
  for (unsigned i = 0; i < 16 && prefix > 0; ++i, prefix = prefix >= 8 ? prefix - 8 : 0) {
    const unsigned bits = std::min(prefix, 8u);
    const auto mask = static_cast<unsigned char>(0xFF << (8 - bits));
    if ((a[i] & mask) != (b[i] & mask)) return false;
  }
  return true;
}
}  // namespace

TrustedProxies TrustedProxies::parse(std::string_view list) {
  TrustedProxies out;
  for (const auto& entry : split_list(list)) {
    const auto slash = entry.find('/');
    const auto address = parse_address(std::string_view(entry).substr(0, slash));
    if (!address) throw std::invalid_argument("'" + entry + "' is not an IP address or CIDR");
    const unsigned width = address->is_v4() ? 32 : 128;
    unsigned prefix = width;
    if (slash != std::string::npos) {
      const auto digits = entry.substr(slash + 1);
      if (digits.empty() || digits.size() > 3 || digits.find_first_not_of("0123456789") != std::string::npos ||
          std::stoul(digits) > width) {
        throw std::invalid_argument("'" + entry + "' has a bad prefix length (0.." + std::to_string(width) + ")");
      }
      prefix = static_cast<unsigned>(std::stoul(digits));
    }
    out.networks_.push_back({v6_bytes(*address), address->is_v4() ? prefix + 96 : prefix});
  }
  return out;
}

bool TrustedProxies::contains(std::string_view text) const {
  const auto address = parse_address(text);
  if (!address) return false;
  const auto bytes = v6_bytes(*address);
  for (const auto& n : networks_) {
    if (same_prefix(bytes, n.bytes, n.prefix)) return true;
  }
  return false;
}

std::string client_address(std::string_view peer, std::string_view forwarded_for, const TrustedProxies& proxies) {
  if (!parse_address(peer)) return {};
  if (proxies.empty() || !proxies.contains(peer)) return std::string(trim(peer));
  auto hops = split_list(forwarded_for);
  for (auto hop = hops.rbegin(); hop != hops.rend(); ++hop) {
    if (!parse_address(*hop)) return {};  // a forged or garbled chain names nobody
    if (!proxies.contains(*hop)) return *hop;
  }
  return hops.empty() ? std::string(trim(peer)) : hops.front();  // every hop is ours
}

std::string rate_limit_ip(std::string_view text, bool production) {
  const std::string fallback = production ? "no-trusted-ip" : "127.0.0.1";
  const auto address = parse_address(text);
  if (!address) return fallback;
  if (address->is_v4()) return address->to_string();
  const auto v6 = address->to_v6();
  if (v6.is_v4_mapped()) return boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, v6).to_string();
  auto bytes = v6.to_bytes();
  for (std::size_t i = 8; i < bytes.size(); ++i) bytes[i] = 0;  // the /64: one bucket per subnet
  return boost::asio::ip::address_v6(bytes).to_string();
}

RateDecision consume(RateBucket& bucket, const RateLimitRule& rule, std::chrono::system_clock::time_point now) {
  if (bucket.count == 0 || now - bucket.last >= rule.window) {
    bucket = {1, now};
    return {};
  }
  if (bucket.count >= rule.max) return {false, retry_after(bucket.last, rule.window, now)};
  ++bucket.count;
  bucket.last = now;
  return {};
}

std::chrono::seconds retry_after(std::chrono::system_clock::time_point last_allowed, std::chrono::seconds window,
                                 std::chrono::system_clock::time_point now) {
  const auto left = last_allowed + window - now;
  const auto seconds = std::chrono::ceil<std::chrono::seconds>(left);
  return seconds < std::chrono::seconds(1) ? std::chrono::seconds(1) : seconds;
}

}  // namespace vibework::auth
