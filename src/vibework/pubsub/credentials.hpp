#pragma once
// OAuth2 access tokens for Google APIs, without the Google SDK:
//  - ServiceAccountTokenSource: the JSON key named by GOOGLE_APPLICATION_CREDENTIALS; signs an
//    RS256 JWT with OpenSSL and exchanges it at the key's token_uri (RFC 7523);
//  - MetadataTokenSource: the GCE/GKE/Cloud Run metadata server.
// Both cache the token until shortly before it expires, so a call costs no extra round trip.
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "vibework/infra/asio.hpp"
#include "vibework/pubsub/http_client.hpp"

namespace vibework::pubsub {

inline constexpr std::string_view pubsub_scope = "https://www.googleapis.com/auth/pubsub";

std::string base64_encode(std::string_view bytes);
std::string base64url_encode(std::string_view bytes);  // no padding, as JWT wants
std::optional<std::string> base64_decode(std::string_view text);  // standard or url alphabet

struct ServiceAccountKey {
  std::string client_email;
  std::string private_key;  // PEM; never logged
  std::string private_key_id;
  std::string token_uri = "https://oauth2.googleapis.com/token";
};

// Reads a service-account JSON key file; ConfigError names the file and what is missing.
ServiceAccountKey load_service_account_key(const std::string& path);
ServiceAccountKey parse_service_account_key(std::string_view json, const std::string& origin);

// header.claims.signature, RS256, valid for one hour from `now`.
std::string make_signed_jwt(const ServiceAccountKey& key, std::string_view scope,
                            std::chrono::system_clock::time_point now);

struct AccessToken {
  std::string value;
  std::chrono::steady_clock::time_point expires_at;
};

class AccessTokenSource {
 public:
  virtual ~AccessTokenSource() = default;
  // A valid bearer token: the cached one, or a fresh one when it expires within the margin.
  awaitable<std::string> token();
  // Drop the cached token (after a 401), so the next call fetches a new one.
  void invalidate();
  std::size_t fetch_count() const;

 protected:
  virtual awaitable<AccessToken> fetch() = 0;

 private:
  static constexpr std::chrono::seconds refresh_margin{300};
  mutable std::mutex mutex_;
  std::optional<AccessToken> cached_;
  std::size_t fetches_ = 0;
};

class ServiceAccountTokenSource final : public AccessTokenSource {
 public:
  ServiceAccountTokenSource(ServiceAccountKey key, std::string scope, std::chrono::milliseconds timeout);

 protected:
  awaitable<AccessToken> fetch() override;

 private:
  ServiceAccountKey key_;
  std::string scope_;
  std::string target_;
  std::chrono::milliseconds timeout_;
  HttpClient http_;
};

class MetadataTokenSource final : public AccessTokenSource {
 public:
  // host: "metadata.google.internal" (or GCE_METADATA_HOST).
  MetadataTokenSource(std::string host, std::chrono::milliseconds timeout);

 protected:
  awaitable<AccessToken> fetch() override;

 private:
  std::chrono::milliseconds timeout_;
  HttpClient http_;
};

// Parses a token endpoint answer {"access_token": "...", "expires_in": 3599, ...}.
AccessToken parse_token_response(std::string_view body, std::string_view origin);

}  // namespace vibework::pubsub
