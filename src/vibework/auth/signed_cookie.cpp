#include "vibework/auth/signed_cookie.hpp"

#include <array>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "vibework/infra/errors.hpp"

namespace vibework::auth {

namespace {
constexpr std::size_t signature_chars = 44;  // base64 of 32 bytes, padded
}

std::string hmac_sha256(std::string_view value, std::string_view secret) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
  unsigned int mac_len = 0;
  if (HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
           reinterpret_cast<const unsigned char*>(value.data()), value.size(), mac.data(), &mac_len) == nullptr) {
    throw infra::Error(infra::ErrorKind::internal, "auth", "HMAC-SHA256 failed while signing a cookie", "check the OpenSSL installation");
  }
  return std::string(reinterpret_cast<const char*>(mac.data()), mac_len);
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
