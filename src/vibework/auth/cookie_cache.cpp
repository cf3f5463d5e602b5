#include "vibework/auth/cookie_cache.hpp"

#include <openssl/crypto.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "vibework/auth/signed_cookie.hpp"
#include "vibework/auth/wire.hpp"

namespace vibework::auth {

namespace {
constexpr std::size_t chunk_limit = 4050;  // Better-Auth chunks beyond this; we skip the cache instead

std::int64_t epoch_ms(TimePoint t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

// JSON.stringify({...payload, expiresAt}): the payload's keys in order, then expiresAt.
std::string signed_text(const boost::json::object& payload, const boost::json::value& expires_at) {
  boost::json::object with_expiry = payload;
  with_expiry["expiresAt"] = expires_at;
  return boost::json::serialize(with_expiry);
}

bool same_bytes(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}
}  // namespace

CookieCache::CookieCache(CookieCacheOptions options, CookieNames names, std::vector<std::string> secrets)
    : options_(std::move(options)), names_(std::move(names)), secrets_(std::move(secrets)) {}

std::optional<std::string> CookieCache::issue(const schema::Session& session, const schema::User& user,
                                              bool remember_me, TimePoint now) const {
  if (!options_.enabled) return std::nullopt;
  boost::json::object payload{{"session", session_json(session)},
                              {"user", user_json(user)},
                              {"updatedAt", epoch_ms(now)},
                              {"version", options_.version}};
  const boost::json::value expires_at = epoch_ms(now + options_.max_age);
  const auto signature = base64url(hmac_sha256(signed_text(payload, expires_at), secrets_.front()));
  const boost::json::object outer{{"session", std::move(payload)}, {"expiresAt", expires_at}, {"signature", signature}};
  auto value = base64url(boost::json::serialize(outer));
  if (value.size() + names_.session_data.size() > chunk_limit) return std::nullopt;
  SetCookie cookie{.name = names_.session_data, .value = std::move(value), .secure = names_.secure};
  if (remember_me) cookie.max_age = options_.max_age;
  return set_cookie(cookie);
}

std::optional<CachedInCookie> CookieCache::read(const http::Request& request, std::string_view token,
                                                TimePoint now) const {
  if (!options_.enabled) return std::nullopt;
  const auto raw = find_cookie(request.header("Cookie"), names_.session_data);
  if (!raw) return std::nullopt;
  const auto text = base64url_decode(*raw);
  if (!text) return std::nullopt;
  boost::system::error_code ec;
  const auto json = boost::json::parse(*text, ec);
  if (ec || !json.is_object()) return std::nullopt;
  const auto& outer = json.as_object();
  const auto* payload = outer.if_contains("session");
  const auto* expires_at = outer.if_contains("expiresAt");
  const auto* signature = outer.if_contains("signature");
  if (payload == nullptr || !payload->is_object() || expires_at == nullptr || !expires_at->is_number() ||
      signature == nullptr || !signature->is_string()) {
    return std::nullopt;
  }
  const auto text_to_sign = signed_text(payload->as_object(), *expires_at);
  bool verified = false;
  for (const auto& secret : secrets_) verified = verified || same_bytes(base64url(hmac_sha256(text_to_sign, secret)), signature->as_string());
  if (!verified || expires_at->to_number<double>() <= static_cast<double>(epoch_ms(now))) return std::nullopt;
  const auto& p = payload->as_object();
  const auto* version = p.if_contains("version");
  if (version == nullptr || !version->is_string() || version->as_string() != options_.version) return std::nullopt;
  auto session = p.if_contains("session") ? session_from_json(p.at("session")) : std::nullopt;
  auto user = p.if_contains("user") ? user_from_json(p.at("user")) : std::nullopt;
  if (!session || !user || session->expires_at <= now || session->token != token) return std::nullopt;
  return CachedInCookie{std::move(*session), std::move(*user)};
}

bool CookieCache::present(const http::Request& request) const {
  return options_.enabled && find_cookie(request.header("Cookie"), names_.session_data).has_value();
}

std::string CookieCache::clear() const { return delete_cookie(names_.session_data, names_.secure); }

}  // namespace vibework::auth
