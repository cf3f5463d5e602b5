#include "vibework/auth/password.hpp"

#include <array>
#include <charconv>
#include <string>
#include <vector>

#include <argon2.h>
#include <fmt/format.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <unicode/normalizer2.h>
#include <unicode/unistr.h>

#include "vibework/infra/errors.hpp"

namespace vibework::auth {

namespace {
constexpr std::size_t salt_bytes = 16;
constexpr std::size_t argon2_key_bytes = 32;
// Better-Auth's scrypt: N = 16384, r = 16, p = 1, 64-byte key, maxmem = 128 * N * r * 2.
constexpr std::uint64_t scrypt_n = 16384, scrypt_r = 16, scrypt_p = 1;
constexpr std::size_t scrypt_key_bytes = 64;
constexpr std::uint64_t scrypt_maxmem = 128 * scrypt_n * scrypt_r * 2;

bool is_lower_hex(std::string_view s) noexcept {
  for (const char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

std::string to_hex(const unsigned char* data, std::size_t n) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out(2 * n, '0');
  for (std::size_t i = 0; i < n; ++i) {
    out[2 * i] = digits[data[i] >> 4];
    out[2 * i + 1] = digits[data[i] & 0x0f];
  }
  return out;
}

bool equal_constant_time(std::string_view a, std::string_view b) noexcept {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

bool verify_scrypt(std::string_view password, std::string_view stored) {
  const auto colon = stored.find(':');
  const std::string_view salt = stored.substr(0, colon);  // the hex text itself is the salt
  const std::string_view key_hex = stored.substr(colon + 1);
  const std::string normalized = nfkc(password);
  std::array<unsigned char, scrypt_key_bytes> key{};
  if (EVP_PBE_scrypt(normalized.data(), normalized.size(), reinterpret_cast<const unsigned char*>(salt.data()),
                     salt.size(), scrypt_n, scrypt_r, scrypt_p, scrypt_maxmem, key.data(), key.size()) != 1) {
    throw infra::Error(infra::ErrorKind::internal, "auth", "scrypt failed while verifying a Better-Auth password hash",
                       "the process may be out of memory (scrypt needs 32 MiB per verification)");
  }
  return equal_constant_time(to_hex(key.data(), key.size()), key_hex);
}

// The m, t and p of a "$argon2id$v=19$m=..,t=..,p=..$salt$hash" string; false if unparsable.
bool argon2_params_of(std::string_view stored, Argon2Params& out) noexcept {
  const auto start = stored.find("$m=");
  if (start == std::string_view::npos) return false;
  const auto end = stored.find('$', start + 1);
  std::string_view list = stored.substr(start + 1, end == std::string_view::npos ? end : end - start - 1);
  std::uint32_t* targets[] = {&out.memory_kib, &out.iterations, &out.parallelism};
  const char* names[] = {"m=", "t=", "p="};
  for (int i = 0; i < 3; ++i) {
    if (!list.starts_with(names[i])) return false;
    list.remove_prefix(2);
    const auto [ptr, ec] = std::from_chars(list.data(), list.data() + list.size(), *targets[i]);
    if (ec != std::errc()) return false;
    list.remove_prefix(static_cast<std::size_t>(ptr - list.data()));
    if (i < 2) {
      if (!list.starts_with(',')) return false;
      list.remove_prefix(1);
    }
  }
  return list.empty();
}
}  // namespace

std::string nfkc(std::string_view text) {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* normalizer = icu::Normalizer2::getNFKCInstance(status);
  if (U_FAILURE(status)) {
    throw infra::Error(infra::ErrorKind::internal, "auth", std::string("ICU's NFKC normalizer is unavailable: ") + u_errorName(status),
                       "check that the ICU data library (libicudata) is installed");
  }
  // ICU replaces invalid UTF-8 with U+FFFD; refuse it instead: two different byte strings must
  // not become one password.
  const auto source = icu::UnicodeString::fromUTF8(icu::StringPiece(text.data(), static_cast<int32_t>(text.size())));
  std::string round_trip;
  source.toUTF8String(round_trip);
  if (round_trip != text) {
    throw infra::InvalidArgumentError("auth", "the password is not valid UTF-8", "send the password as UTF-8 text");
  }
  if (normalizer->isNormalized(source, status) && U_SUCCESS(status)) return std::string(text);
  status = U_ZERO_ERROR;
  const icu::UnicodeString normalized = normalizer->normalize(source, status);
  if (U_FAILURE(status)) {
    throw infra::InvalidArgumentError("auth", std::string("the password cannot be normalized: ") + u_errorName(status),
                                      "send the password as UTF-8 text");
  }
  std::string out;
  normalized.toUTF8String(out);
  return out;
}

HashFormat hash_format(std::string_view stored) noexcept {
  if (stored.starts_with("$argon2id$")) return HashFormat::argon2id;
  const auto colon = stored.find(':');
  if (colon == 32 && stored.size() == 32 + 1 + 2 * scrypt_key_bytes && is_lower_hex(stored.substr(0, 32)) &&
      is_lower_hex(stored.substr(33))) {
    return HashFormat::scrypt;
  }
  return HashFormat::unknown;
}

std::string hash_password(std::string_view password, const Argon2Params& params) {
  const std::string normalized = nfkc(password);
  std::array<unsigned char, salt_bytes> salt{};
  if (RAND_bytes(salt.data(), static_cast<int>(salt.size())) != 1) {
    throw infra::Error(infra::ErrorKind::internal, "auth", "the system random generator failed", "check the OpenSSL installation");
  }
  std::string encoded(argon2_encodedlen(params.iterations, params.memory_kib, params.parallelism,
                                        static_cast<std::uint32_t>(salt.size()), argon2_key_bytes, Argon2_id),
                      '\0');
  const int rc = argon2id_hash_encoded(params.iterations, params.memory_kib, params.parallelism, normalized.data(),
                                       normalized.size(), salt.data(), salt.size(), argon2_key_bytes, encoded.data(),
                                       encoded.size());
  if (rc != ARGON2_OK) {
    throw infra::Error(infra::ErrorKind::internal, "auth", fmt::format("Argon2id hashing failed: {}", argon2_error_message(rc)),
                       "check AUTH_ARGON2_* (memory in KiB >= 8 x parallelism, iterations >= 1)");
  }
  encoded.resize(encoded.find('\0'));  // argon2_encodedlen counts the terminator
  return encoded;
}

std::string decoy_hash(const Argon2Params& params) {
  // A cheap hash (fresh salt), relabelled with the real parameters: verifying computes the real
  // cost, and the key, made under other parameters, matches no password, this one included.
  const Argon2Params cheap{.memory_kib = 8, .iterations = 1, .parallelism = 1};
  std::string hash = hash_password("vibework decoy", cheap);
  const std::string_view cheap_label = "$m=8,t=1,p=1$";
  hash.replace(hash.find(cheap_label), cheap_label.size(),
               fmt::format("$m={},t={},p={}$", params.memory_kib, params.iterations, params.parallelism));
  return hash;
}

bool verify_password(std::string_view password, std::string_view stored) {
  switch (hash_format(stored)) {
    case HashFormat::argon2id: {
      const std::string normalized = nfkc(password);
      const std::string encoded(stored);  // argon2 wants a NUL-terminated string
      return argon2id_verify(encoded.c_str(), normalized.data(), normalized.size()) == ARGON2_OK;
    }
    case HashFormat::scrypt:
      return verify_scrypt(password, stored);
    case HashFormat::unknown:
      return false;
  }
  return false;
}

bool needs_rehash(std::string_view stored, const Argon2Params& params) {
  if (hash_format(stored) != HashFormat::argon2id) return true;
  Argon2Params used;
  if (!argon2_params_of(stored, used)) return true;
  return used.memory_kib != params.memory_kib || used.iterations != params.iterations ||
         used.parallelism != params.parallelism;
}

}  // namespace vibework::auth
