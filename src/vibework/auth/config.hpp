#pragma once
// The auth section (AUTH_*), with Better-Auth's names accepted too (BETTER_AUTH_SECRET,
// BETTER_AUTH_URL), so one environment configures both during a migration.
#include <string>
#include <vector>

#include "vibework/auth/password.hpp"
#include "vibework/auth/rate_limit_rules.hpp"
#include "vibework/auth/session_policy.hpp"
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
  std::size_t hash_threads = 0;                    // AUTH_HASH_THREADS: hashes computed at once; 0 = one per core
  std::size_t hash_queue_limit = 64;               // AUTH_HASH_QUEUE_LIMIT: waiting hashes; more get 503 + Retry-After
  std::size_t min_password_length = 8;             // AUTH_MIN_PASSWORD_LENGTH (UTF-16 units, as JavaScript counts)
  std::size_t max_password_length = 128;           // AUTH_MAX_PASSWORD_LENGTH
  SessionPolicy session;                           // AUTH_SESSION_EXPIRES_IN, _UPDATE_AGE, _FRESH_AGE (seconds)
  std::chrono::seconds session_cache_ttl{300};     // AUTH_SESSION_CACHE_TTL: Redis session cache entries; 0 = off
  std::chrono::seconds session_sweep_interval{3600};  // AUTH_SESSION_SWEEP_INTERVAL: expired rows deleted; 0 = never
  bool rate_limit = false;                         // AUTH_RATE_LIMIT: default on when APP_ENV=production
  RateLimitRule rate_limit_rule;                   // AUTH_RATE_LIMIT_WINDOW (s), AUTH_RATE_LIMIT_MAX: 100 per 10 s
  TrustedProxies trusted_proxies;                  // TRUST_PROXY: CIDRs whose X-Forwarded-For is believed
  bool cookie_cache = false;                       // AUTH_COOKIE_CACHE: the session_data cookie (Better-Auth's "compact")
  std::chrono::seconds cookie_cache_max_age{300};  // AUTH_COOKIE_CACHE_MAX_AGE
  bool bearer = true;                              // AUTH_BEARER: Better-Auth's bearer plugin (Authorization: Bearer, set-auth-token)
  bool delete_user = false;
  // The email flows (issue 12).
  bool require_email_verification = false;          // AUTH_REQUIRE_EMAIL_VERIFICATION: unverified sign-ins get 403
  bool auto_sign_in_after_verification = false;     // AUTH_AUTO_SIGN_IN_AFTER_VERIFICATION
  bool send_verification_on_sign_up = false;        // AUTH_SEND_VERIFICATION_ON_SIGN_UP (default: as AUTH_REQUIRE_EMAIL_VERIFICATION)
  bool send_verification_on_sign_in = false;        // AUTH_SEND_VERIFICATION_ON_SIGN_IN: an unverified sign-in gets a new mail
  bool revoke_sessions_on_password_reset = false;   // AUTH_REVOKE_SESSIONS_ON_PASSWORD_RESET
  bool change_email = false;                        // AUTH_CHANGE_EMAIL_ENABLED: POST change-email
  bool update_email_without_verification = false;   // AUTH_UPDATE_EMAIL_WITHOUT_VERIFICATION (unverified users)
  bool send_change_email_confirmation = false;      // AUTH_SEND_CHANGE_EMAIL_CONFIRMATION: verified users confirm from the old address
  bool delete_user_verification = false;            // AUTH_DELETE_USER_VERIFICATION: delete-user mails a confirmation link
  std::chrono::seconds email_verification_expires_in{3600};  // AUTH_EMAIL_VERIFICATION_EXPIRES_IN
  std::chrono::seconds reset_password_expires_in{3600};      // AUTH_RESET_PASSWORD_EXPIRES_IN                        // AUTH_DELETE_USER_ENABLED: POST delete-user answers (else 404)

  const std::string& signing_secret() const { return secrets.front(); }

  // Production requires secrets of at least 32 bytes, none of them a published default.
  static Config parse(infra::EnvReader& env, const infra::CoreConfig& core);
  std::string describe() const;  // never a secret
};

}  // namespace vibework::auth
