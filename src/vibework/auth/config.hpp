#pragma once
// The auth section (AUTH_*), with Better-Auth's names accepted too (BETTER_AUTH_SECRET,
// BETTER_AUTH_URL), so one environment configures both during a migration.
#include <string>
#include <vector>

#include "vibework/auth/password.hpp"
#include "vibework/infra/config.hpp"

namespace vibework::auth {

struct Config {
  // AUTH_SECRET, a comma-separated list: the first signs cookies, every one verifies them (so a
  // secret can be rotated without signing everybody out). Never logged.
  std::vector<std::string> secrets;
  bool secret_is_dev_default = false;
  std::string base_url = "http://localhost:3000";  // AUTH_URL (BETTER_AUTH_URL also read)
  std::string base_path = "/api/auth";             // AUTH_BASE_PATH
  std::vector<std::string> trusted_origins;        // AUTH_TRUSTED_ORIGINS, comma-separated
  Argon2Params argon2;                             // AUTH_ARGON2_MEMORY_KIB, _ITERATIONS, _PARALLELISM
  bool rehash = true;                              // AUTH_REHASH: a sign-in rewrites scrypt hashes as Argon2id

  const std::string& signing_secret() const { return secrets.front(); }

  // Production requires secrets of at least 32 bytes, none of them a published default.
  static Config parse(infra::EnvReader& env, const infra::CoreConfig& core);
  std::string describe() const;  // never a secret
};

}  // namespace vibework::auth
