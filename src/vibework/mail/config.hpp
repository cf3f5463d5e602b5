#pragma once
// mail::Config: where mail goes (SMTP_URL), who sends it (MAIL_FROM), how long an SMTP
// exchange may take, how retries back off and where the templates live.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "vibework/infra/config.hpp"
#include "vibework/mail/address.hpp"

namespace vibework::mail {

enum class TlsMode {
  none,      // plain SMTP (Mailpit, a relay on loopback)
  starttls,  // smtp:// upgraded with STARTTLS, required (CURLUSESSL_ALL)
  implicit,  // smtps://: TLS from the first byte
};

struct Config {
  // Both SMTP_URL and MAIL_FROM are required when APP_ENV=production.
  // SMTP_URL: smtp://[user:pass@]host[:port] (STARTTLS required when credentials are given),
  // smtps://[user:pass@]host[:port] (implicit TLS). Holds the password: never logged.
  std::string url = "smtp://127.0.0.1:1025";
  std::string host = "127.0.0.1";
  std::uint16_t port = 1025;
  std::optional<std::string> username;
  std::optional<std::string> password;  // secret
  // From the scheme and SMTP_STARTTLS=auto|require|off (auto: required when the URL has
  // credentials, off without; off with credentials sends the password in clear: local relays only).
  TlsMode tls = TlsMode::none;
  bool tls_verify = true;  // SMTP_TLS_VERIFY: check the server's certificate and name

  Address from{"vibework", "no-reply@vibework.localhost"};  // MAIL_FROM
  std::string app_name = "vibework";                         // APP_NAME: {{app_name}} in templates
  std::optional<std::string> templates_dir;                  // MAIL_TEMPLATES_DIR

  std::chrono::milliseconds connect_timeout{5'000};  // SMTP_CONNECT_TIMEOUT_MS
  std::chrono::milliseconds timeout{30'000};         // SMTP_TIMEOUT_MS: one whole SMTP exchange
  std::chrono::milliseconds retry_min{5'000};        // MAIL_RETRY_MIN_MS: first retry delay
  std::chrono::milliseconds retry_max{600'000};      // MAIL_RETRY_MAX_MS: backoff cap
  std::chrono::milliseconds poll_interval{5'000};    // MAIL_POLL_INTERVAL_MS: look for due rows
  std::size_t batch_size = 10;                       // MAIL_BATCH_SIZE: rows claimed at once
  // MAIL_LEASE_MS: a claimed row is this instance's until then; longer than a batch can take.
  std::chrono::milliseconds lease{600'000};
  std::chrono::hours keep_sent{24 * 7};  // MAIL_KEEP_SENT_HOURS: sent rows pruned after

  std::string address() const { return host + ":" + std::to_string(port); }

  static Config parse(infra::EnvReader& env, const infra::CoreConfig& core);
  std::string describe() const;  // the password as ***
};

}  // namespace vibework::mail
