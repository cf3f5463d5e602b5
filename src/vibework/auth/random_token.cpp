#include "vibework/auth/random_token.hpp"

#include <array>
#include <string_view>

#include <openssl/rand.h>

#include "vibework/infra/errors.hpp"

namespace vibework::auth {

std::string random_token(std::size_t length, TokenAlphabet which) {
  static constexpr std::string_view mixed = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  static constexpr std::string_view lower = "abcdefghijklmnopqrstuvwxyz0123456789";
  const std::string_view alphabet = which == TokenAlphabet::mixed_case ? mixed : lower;
  // The largest multiple of the alphabet's size below 256 (248 = 4 * 62, 252 = 7 * 36): bytes at
  // or above it would favour the first characters, so they are redrawn.
  const unsigned limit = static_cast<unsigned>(256 / alphabet.size() * alphabet.size());
  std::string out;
  out.reserve(length);
  std::array<unsigned char, 64> bytes{};
  while (out.size() < length) {
    if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) {
      throw infra::Error(infra::ErrorKind::internal, "auth", "the system random generator failed", "check the OpenSSL installation");
    }
    for (const unsigned char b : bytes) {
      if (b < limit && out.size() < length) out += alphabet[b % alphabet.size()];
    }
  }
  return out;
}

}  // namespace vibework::auth
