#include "vibework/auth/email_token.hpp"

#include <openssl/crypto.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "vibework/auth/signed_cookie.hpp"
#include "vibework/auth/text.hpp"

namespace vibework::auth {

namespace {
constexpr std::string_view header = R"({"alg":"HS256"})";

std::int64_t epoch_seconds(TimePoint t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

std::optional<boost::json::object> json_object(std::string_view base64url_text) {
  const auto text = base64url_decode(base64url_text);
  if (!text) return std::nullopt;
  boost::system::error_code ec;
  auto value = boost::json::parse(*text, ec);
  if (ec || !value.is_object()) return std::nullopt;
  return std::move(value.as_object());
}

std::optional<std::string> optional_text(const boost::json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (v == nullptr || !v->is_string()) return std::nullopt;
  return std::string(v->as_string());
}
}  // namespace

std::string sign_email_token(const EmailTokenClaims& claims, std::string_view secret, std::chrono::seconds expires_in,
                             TimePoint now) {
  boost::json::object payload{{"email", ascii_lower(claims.email)}};  // jose's order: the claims, then iat, exp
  if (claims.update_to) payload["updateTo"] = ascii_lower(*claims.update_to);
  if (claims.request_type) payload["requestType"] = *claims.request_type;
  payload["iat"] = epoch_seconds(now);
  payload["exp"] = epoch_seconds(now + expires_in);
  const auto signing_input = base64url(header) + "." + base64url(boost::json::serialize(payload));
  return signing_input + "." + base64url(hmac_sha256(signing_input, secret));
}

EmailTokenCheck verify_email_token(std::string_view token, std::span<const std::string> secrets, TimePoint now) {
  const auto first = token.find('.');
  const auto second = first == std::string_view::npos ? first : token.find('.', first + 1);
  if (second == std::string_view::npos || token.find('.', second + 1) != std::string_view::npos) return {};
  const auto head = json_object(token.substr(0, first));
  const auto* alg = head ? head->if_contains("alg") : nullptr;
  if (alg == nullptr || !alg->is_string() || alg->as_string() != "HS256") return {};  // never "none"
  const auto signing_input = token.substr(0, second);
  const auto signature = token.substr(second + 1);
  bool verified = false;
  for (const auto& secret : secrets) {
    const auto expected = base64url(hmac_sha256(signing_input, secret));
    verified = verified || (expected.size() == signature.size() &&
                            CRYPTO_memcmp(expected.data(), signature.data(), expected.size()) == 0);
  }
  if (!verified) return {};
  const auto payload = json_object(token.substr(first + 1, second - first - 1));
  if (!payload) return {};
  const auto email = optional_text(*payload, "email");
  const auto* exp = payload->if_contains("exp");
  if (!email || (exp != nullptr && !exp->is_number())) return {};
  if (exp != nullptr && exp->to_number<double>() <= static_cast<double>(epoch_seconds(now))) return {.claims = std::nullopt, .expired = true};
  EmailTokenClaims claims{*email, optional_text(*payload, "updateTo"), optional_text(*payload, "requestType")};
  return {.claims = std::move(claims)};
}

}  // namespace vibework::auth
