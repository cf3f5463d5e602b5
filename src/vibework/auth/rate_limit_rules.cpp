#include "vibework/auth/rate_limit_rules.hpp"

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

std::string client_ip(std::string_view forwarded_for, bool production) {
  const std::string fallback = production ? "no-trusted-ip" : "127.0.0.1";
  const std::string_view value = trim(forwarded_for);
  if (value.empty() || value.find(',') != std::string_view::npos) return fallback;  // exactly one
  boost::system::error_code ec;
  const auto address = boost::asio::ip::make_address(std::string(value), ec);
  if (ec) return fallback;
  if (address.is_v4()) return address.to_string();
  const auto v6 = address.to_v6();
  if (v6.is_v4_mapped()) return boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, v6).to_string();
  auto bytes = v6.to_bytes();
  for (std::size_t i = 8; i < bytes.size(); ++i) bytes[i] = 0;  // the /64: one bucket per subnet
  return boost::asio::ip::address_v6(bytes).to_string();
}

std::chrono::seconds retry_after(std::chrono::system_clock::time_point last_allowed, std::chrono::seconds window,
                                 std::chrono::system_clock::time_point now) {
  const auto left = last_allowed + window - now;
  const auto seconds = std::chrono::ceil<std::chrono::seconds>(left);
  return seconds < std::chrono::seconds(1) ? std::chrono::seconds(1) : seconds;
}

}  // namespace vibework::auth
