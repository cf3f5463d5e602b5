#include "vibework/auth/signed_cookie.hpp"

#include <algorithm>
#include <array>
#include <memory>
#include <vector>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "vibework/infra/errors.hpp"

namespace vibework::auth {

namespace {
constexpr std::size_t signature_chars = 44;  // base64 of 32 bytes, padded
}

namespace {
[[noreturn]] void hmac_failed() {
  throw infra::Error(infra::ErrorKind::internal, "auth", "HMAC-SHA256 failed while signing a cookie", "check the OpenSSL installation");
}

struct DigestContext {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  DigestContext() {
    if (ctx == nullptr) hmac_failed();
  }
  ~DigestContext() { EVP_MD_CTX_free(ctx); }
  DigestContext(const DigestContext&) = delete;
  DigestContext& operator=(const DigestContext&) = delete;
};

// HMAC-SHA256 (RFC 2104) with each secret's inner and outer digest states computed once per
// thread: OpenSSL 3's one-shot HMAC() fetches the algorithm and builds a context on every call,
// three times the cost of the hashing itself, and a session cookie is checked on every request.
class HmacKeys {
 public:
  std::array<unsigned char, 32> mac(std::string_view secret, std::string_view value) {
    const Keyed& key = keyed(secret);
    std::array<unsigned char, 32> inner{};
    std::array<unsigned char, 32> out{};
    unsigned int n = 0;
    if (EVP_MD_CTX_copy_ex(scratch_.ctx, key.inner.ctx) != 1 || EVP_DigestUpdate(scratch_.ctx, value.data(), value.size()) != 1 ||
        EVP_DigestFinal_ex(scratch_.ctx, inner.data(), &n) != 1 || EVP_MD_CTX_copy_ex(scratch_.ctx, key.outer.ctx) != 1 ||
        EVP_DigestUpdate(scratch_.ctx, inner.data(), inner.size()) != 1 || EVP_DigestFinal_ex(scratch_.ctx, out.data(), &n) != 1) {
      hmac_failed();
    }
    return out;
  }

 private:
  struct Keyed {
    std::string secret;
    DigestContext inner, outer;  // SHA-256 after (key ^ ipad), after (key ^ opad)
  };

  const Keyed& keyed(std::string_view secret) {
    for (const auto& k : keys_) {
      if (k->secret == secret) return *k;
    }
    if (keys_.size() == max_keys) keys_.erase(keys_.begin());  // AUTH_SECRET's list is short: never in practice
    auto k = std::make_unique<Keyed>();
    k->secret = std::string(secret);
    std::array<unsigned char, 64> block{};  // the key, hashed first when longer than a block
    if (secret.size() > block.size()) {
      unsigned int n = 0;
      if (EVP_Digest(secret.data(), secret.size(), block.data(), &n, EVP_sha256(), nullptr) != 1) hmac_failed();
    } else {
      std::copy(secret.begin(), secret.end(), block.begin());
    }
    std::array<unsigned char, 64> ipad{}, opad{};
    for (std::size_t i = 0; i < block.size(); ++i) {
      ipad[i] = static_cast<unsigned char>(block[i] ^ 0x36);
      opad[i] = static_cast<unsigned char>(block[i] ^ 0x5c);
    }
    if (EVP_DigestInit_ex(k->inner.ctx, EVP_sha256(), nullptr) != 1 || EVP_DigestUpdate(k->inner.ctx, ipad.data(), ipad.size()) != 1 ||
        EVP_DigestInit_ex(k->outer.ctx, EVP_sha256(), nullptr) != 1 || EVP_DigestUpdate(k->outer.ctx, opad.data(), opad.size()) != 1) {
      hmac_failed();
    }
    OPENSSL_cleanse(block.data(), block.size());
    OPENSSL_cleanse(ipad.data(), ipad.size());
    OPENSSL_cleanse(opad.data(), opad.size());
    keys_.push_back(std::move(k));
    return *keys_.back();
  }

  static constexpr std::size_t max_keys = 16;
  std::vector<std::unique_ptr<Keyed>> keys_;
  DigestContext scratch_;
};
}  // namespace

std::string hmac_sha256(std::string_view value, std::string_view secret) {
  thread_local HmacKeys keys;
  const auto mac = keys.mac(secret, value);
  return std::string(reinterpret_cast<const char*>(mac.data()), mac.size());
}

std::string base64(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3), '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

std::string base64url(std::string_view bytes) {
  auto out = base64(bytes);
  while (!out.empty() && out.back() == '=') out.pop_back();
  for (auto& c : out) c = c == '+' ? '-' : c == '/' ? '_' : c;
  return out;
}

std::optional<std::string> base64url_decode(std::string_view text) {
  std::string standard(text);
  for (auto& c : standard) {
    if (c == '-') c = '+';
    else if (c == '_') c = '/';
    else if (c == '+' || c == '/' || c == '=') return std::nullopt;  // not base64url
  }
  if (standard.size() % 4 == 1) return std::nullopt;
  while (standard.size() % 4 != 0) standard += '=';
  std::string out(standard.size() / 4 * 3, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(standard.data()), static_cast<int>(standard.size()));
  if (n < 0) return std::nullopt;
  std::size_t padding = 0;
  for (auto it = standard.rbegin(); it != standard.rend() && *it == '='; ++it) ++padding;
  out.resize(static_cast<std::size_t>(n) - padding);  // EVP_DecodeBlock counts the padding as zero bytes
  return out;
}

std::string cookie_signature(std::string_view value, std::string_view secret) { return base64(hmac_sha256(value, secret)); }

std::string sign_cookie_value(std::string_view value, std::string_view secret) {
  std::string joined(value);
  joined += '.';
  joined += cookie_signature(value, secret);
  return encode_uri_component(joined);
}

std::optional<std::string> unsign_cookie_value(std::string_view signed_value, std::span<const std::string> secrets) {
  const auto dot = signed_value.rfind('.');
  if (dot == std::string_view::npos || dot == 0) return std::nullopt;
  const std::string_view value = signed_value.substr(0, dot);
  const std::string_view signature = signed_value.substr(dot + 1);
  if (signature.size() != signature_chars || signature.back() != '=') return std::nullopt;
  bool valid = false;
  for (const auto& secret : secrets) {  // every secret is tried: the time does not tell which matched
    const std::string expected = cookie_signature(value, secret);
    valid |= CRYPTO_memcmp(expected.data(), signature.data(), signature_chars) == 0;
  }
  if (!valid) return std::nullopt;
  return std::string(value);
}

std::string encode_uri_component(std::string_view text) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    const bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                            c == '-' || c == '_' || c == '.' || c == '!' || c == '~' || c == '*' || c == '\'' ||
                            c == '(' || c == ')';
    if (unreserved) {
      out += ch;
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 0x0f];
    }
  }
  return out;
}

}  // namespace vibework::auth
