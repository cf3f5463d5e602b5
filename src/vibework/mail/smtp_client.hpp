#pragma once
// SmtpClient: one SMTP exchange per call through libcurl (STARTTLS or implicit TLS, AUTH, a
// connect and a total timeout). libcurl blocks, so every call runs on the blocking pool.
#include <string>

#include "vibework/infra/asio.hpp"
#include "vibework/infra/blocking_pool.hpp"
#include "vibework/mail/config.hpp"

namespace vibework::mail {

class SmtpClient {
 public:
  SmtpClient(Config config, infra::BlockingPool& pool);

  // Delivers `message` (CRLF lines, headers included) to `recipient` from config.from.
  // Throws UnreachableError (no connection), TimeoutError, or UnavailableError with the
  // server's answer; never a message with the password.
  awaitable<void> send(std::string recipient, std::string message);
  // EHLO (+ STARTTLS + AUTH as configured) + NOOP, bounded by `timeout`: the health probe.
  awaitable<void> noop(std::chrono::milliseconds timeout);

  const Config& config() const noexcept { return config_; }

 private:
  Config config_;
  infra::BlockingPool& pool_;
};

}  // namespace vibework::mail
