#include "vibework/auth/config.hpp"

#include <fmt/format.h>

#include "vibework/auth/text.hpp"

namespace vibework::auth {

namespace {
// Only for development: sessions signed with it are worthless anywhere else.
constexpr std::string_view development_secret = "vibework-development-secret-do-not-use-in-production";
// Better-Auth's own default, which it refuses in production too.
constexpr std::string_view better_auth_default_secret = "better-auth-secret-12345678901234567890";
constexpr std::size_t min_secret_bytes = 32;

void check_secrets(infra::EnvReader& env, const std::vector<std::string>& secrets, bool production) {
  const std::string example = "<32+ random bytes, e.g. the output of: openssl rand -base64 32>";
  if (secrets.empty()) {
    env.problem("AUTH_SECRET", "is empty", example);
    return;
  }
  if (!production) return;
  for (std::size_t i = 0; i < secrets.size(); ++i) {
    // The value itself is a secret: report only its position and length.
    const std::string which = secrets.size() == 1 ? "" : fmt::format(" (entry {} of {})", i + 1, secrets.size());
    if (secrets[i] == better_auth_default_secret || secrets[i] == development_secret) {
      env.problem("AUTH_SECRET", "is a published default" + which + "; production needs a secret of its own", example);
    } else if (secrets[i].size() < min_secret_bytes) {
      env.problem("AUTH_SECRET", fmt::format("is {} bytes{}; production needs at least 32", secrets[i].size(), which),
                  example);
    }
  }
}
}  // namespace

Config Config::parse(infra::EnvReader& env, const infra::CoreConfig& core) {
  const bool production = core.production();
  Config c;
  auto secret = env.raw("AUTH_SECRET");
  if (!secret) secret = env.raw("BETTER_AUTH_SECRET");
  if (secret) {
    c.secrets = split_list(*secret);
    check_secrets(env, c.secrets, production);
  } else if (production) {
    env.problem("AUTH_SECRET", "is missing; production needs a secret of at least 32 bytes",
                "<32+ random bytes, e.g. the output of: openssl rand -base64 32>");
  } else {
    c.secrets = {std::string(development_secret)};
    c.secret_is_dev_default = true;
  }
  if (c.secrets.empty()) c.secrets = {std::string(development_secret)};  // only with a reported problem

  auto url = env.raw("AUTH_URL");
  if (!url) url = env.raw("BETTER_AUTH_URL");
  if (url) c.base_url = *url;
  c.base_path = env.string("AUTH_BASE_PATH", c.base_path);
  if (!c.base_path.starts_with('/') || (c.base_path.size() > 1 && c.base_path.ends_with('/'))) {
    env.problem("AUTH_BASE_PATH", "'" + c.base_path + "' must start with / and not end with one", "AUTH_BASE_PATH=/api/auth");
  }
  c.trusted_origins = split_list(env.string("AUTH_TRUSTED_ORIGINS", ""));
  c.argon2.memory_kib = static_cast<std::uint32_t>(env.integer("AUTH_ARGON2_MEMORY_KIB", c.argon2.memory_kib, 8, 4 * 1024 * 1024));
  c.argon2.iterations = static_cast<std::uint32_t>(env.integer("AUTH_ARGON2_ITERATIONS", c.argon2.iterations, 1, 100));
  c.argon2.parallelism = static_cast<std::uint32_t>(env.integer("AUTH_ARGON2_PARALLELISM", c.argon2.parallelism, 1, 64));
  if (c.argon2.memory_kib < 8 * c.argon2.parallelism) {
    env.problem("AUTH_ARGON2_MEMORY_KIB", fmt::format("{} KiB is below 8 KiB per lane ({} lanes)", c.argon2.memory_kib,
                                                      c.argon2.parallelism),
                "AUTH_ARGON2_MEMORY_KIB=19456");
  }
  c.rehash = env.boolean("AUTH_REHASH", c.rehash);
  c.hash_threads = static_cast<std::size_t>(env.integer("AUTH_HASH_THREADS", 0, 0, 256));
  c.hash_queue_limit = static_cast<std::size_t>(env.integer("AUTH_HASH_QUEUE_LIMIT", 64, 0, 100'000));
  c.min_password_length = static_cast<std::size_t>(env.integer("AUTH_MIN_PASSWORD_LENGTH", 8, 1, 1024));
  c.max_password_length = static_cast<std::size_t>(env.integer("AUTH_MAX_PASSWORD_LENGTH", 128, 1, 4096));
  if (c.max_password_length < c.min_password_length) {
    env.problem("AUTH_MAX_PASSWORD_LENGTH", fmt::format("{} is below AUTH_MIN_PASSWORD_LENGTH ({})", c.max_password_length,
                                                        c.min_password_length),
                "AUTH_MAX_PASSWORD_LENGTH=128");
  }
  const auto seconds = [&env](const char* name, std::chrono::seconds fallback, long long min) {
    return std::chrono::seconds(env.integer(name, fallback.count(), min, 10LL * 365 * 86'400));
  };
  c.session.expires_in = seconds("AUTH_SESSION_EXPIRES_IN", c.session.expires_in, 1);
  c.session.update_age = seconds("AUTH_SESSION_UPDATE_AGE", c.session.update_age, 0);
  c.session.fresh_age = seconds("AUTH_SESSION_FRESH_AGE", c.session.fresh_age, 0);
  c.session_cache_ttl = seconds("AUTH_SESSION_CACHE_TTL", c.session_cache_ttl, 0);
  c.session_sweep_interval = seconds("AUTH_SESSION_SWEEP_INTERVAL", c.session_sweep_interval, 0);
  c.rate_limit = env.boolean("AUTH_RATE_LIMIT", production);
  c.rate_limit_rule.window = seconds("AUTH_RATE_LIMIT_WINDOW", c.rate_limit_rule.window, 1);
  c.rate_limit_rule.max = static_cast<int>(env.integer("AUTH_RATE_LIMIT_MAX", c.rate_limit_rule.max, 1, 1'000'000));
  try {
    c.trusted_proxies = TrustedProxies::parse(env.string("TRUST_PROXY", ""));
  } catch (const std::invalid_argument& e) {
    env.problem("TRUST_PROXY", e.what(), "TRUST_PROXY=10.0.0.0/8,127.0.0.1");
  }
  c.cookie_cache = env.boolean("AUTH_COOKIE_CACHE", c.cookie_cache);
  c.cookie_cache_max_age = seconds("AUTH_COOKIE_CACHE_MAX_AGE", c.cookie_cache_max_age, 1);
  c.bearer = env.boolean("AUTH_BEARER", c.bearer);
  c.delete_user = env.boolean("AUTH_DELETE_USER_ENABLED", c.delete_user);
  c.require_email_verification = env.boolean("AUTH_REQUIRE_EMAIL_VERIFICATION", c.require_email_verification);
  c.send_verification_on_sign_up = env.boolean("AUTH_SEND_VERIFICATION_ON_SIGN_UP", c.require_email_verification);
  c.send_verification_on_sign_in = env.boolean("AUTH_SEND_VERIFICATION_ON_SIGN_IN", c.send_verification_on_sign_in);
  c.auto_sign_in_after_verification =
      env.boolean("AUTH_AUTO_SIGN_IN_AFTER_VERIFICATION", c.auto_sign_in_after_verification);
  c.revoke_sessions_on_password_reset =
      env.boolean("AUTH_REVOKE_SESSIONS_ON_PASSWORD_RESET", c.revoke_sessions_on_password_reset);
  c.change_email = env.boolean("AUTH_CHANGE_EMAIL_ENABLED", c.change_email);
  c.update_email_without_verification =
      env.boolean("AUTH_UPDATE_EMAIL_WITHOUT_VERIFICATION", c.update_email_without_verification);
  c.send_change_email_confirmation = env.boolean("AUTH_SEND_CHANGE_EMAIL_CONFIRMATION", c.send_change_email_confirmation);
  c.delete_user_verification = env.boolean("AUTH_DELETE_USER_VERIFICATION", c.delete_user_verification);
  c.email_verification_expires_in = seconds("AUTH_EMAIL_VERIFICATION_EXPIRES_IN", c.email_verification_expires_in, 1);
  c.reset_password_expires_in = seconds("AUTH_RESET_PASSWORD_EXPIRES_IN", c.reset_password_expires_in, 1);
  return c;
}

std::string Config::describe() const {
  return fmt::format("AUTH_SECRET={} AUTH_URL={}{} argon2id m={} t={} p={}",
                     secret_is_dev_default ? "(development default)"
                                           : (secrets.size() == 1 ? std::string("***") : fmt::format("*** ({} secrets)", secrets.size())),
                     base_url, base_path, argon2.memory_kib, argon2.iterations, argon2.parallelism);
}

}  // namespace vibework::auth
