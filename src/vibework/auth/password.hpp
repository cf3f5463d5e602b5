#pragma once
// Password hashes as vibework writes them (Argon2id, PHC string) and as Better-Auth 1.7 writes
// them (scrypt, "<salt hex>:<key hex>"), so one `account` table serves both.
//
//   auto stored = auth::hash_password("correct horse");          // "$argon2id$v=19$m=19456,t=2,p=1$..."
//   auth::verify_password("correct horse", stored);               // true
//   auth::needs_rehash(stored, params);                            // scrypt, or other Argon2 parameters
//
// Both are CPU-bound on purpose (tens of milliseconds): call them off the I/O threads.
// Passwords are NFKC-normalised first, as Better-Auth does, so "ﬁ" and "fi" are one password.
#include <cstdint>
#include <string>
#include <string_view>

namespace vibework::auth {

// OWASP's Argon2id recommendation (m = 19 MiB, t = 2, p = 1).
struct Argon2Params {
  std::uint32_t memory_kib = 19 * 1024;
  std::uint32_t iterations = 2;
  std::uint32_t parallelism = 1;
};

enum class HashFormat { argon2id, scrypt, unknown };

// What wrote `stored`: a "$argon2id$" PHC string, Better-Auth's "hex32:hex128", or neither.
HashFormat hash_format(std::string_view stored) noexcept;

// A new Argon2id hash of the NFKC form of `password`, with a fresh 16-byte salt.
// Throws InvalidArgumentError for a password that is not UTF-8.
std::string hash_password(std::string_view password, const Argon2Params& params = {});

// A stored value that matches no password and costs as much to verify as a real hash with
// `params`: for accounts that do not exist, so their sign-ins take as long as real ones. Made
// without computing a hash with `params` (one at start would be the process's peak memory).
std::string decoy_hash(const Argon2Params& params = {});

// Whether `password` matches `stored`, whichever format wrote it; compared in constant time.
// A stored value in no known format matches nothing (false, never a throw).
bool verify_password(std::string_view password, std::string_view stored);

// True when `stored` should be rewritten with hash_password(params) after a successful
// verification: a scrypt hash, or Argon2id with other parameters.
bool needs_rehash(std::string_view stored, const Argon2Params& params = {});

// The NFKC normal form of UTF-8 `text` (Better-Auth's password.normalize("NFKC")).
// Throws InvalidArgumentError when `text` is not valid UTF-8.
std::string nfkc(std::string_view text);

}  // namespace vibework::auth
