#pragma once
// Mailer: the mail component. Delivers the outbox: claims due rows with a lease, sends each
// over SMTP (on the blocking pool), marks it sent, or schedules a retry with capped
// exponential backoff. An SMTP outage delays mail and loses none. Sent rows are pruned after
// MAIL_KEEP_SENT_HOURS. An enqueue in this process wakes it at once; rows written elsewhere
// are found within MAIL_POLL_INTERVAL_MS.
//
//   auto mailer = lifecycle.add(std::make_shared<mail::Mailer>(config.get<mail::Config>(), *db, runtime));
//   co_await mailer->outbox().enqueue(tx, mailer->templates().render("verify-email", email, {name, url}));
//
// Its "mail" health check (SMTP EHLO + NOOP) is not critical: readiness reports it failing but
// stays ok, since the API keeps serving while mail waits in the outbox.
#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "vibework/infra/component.hpp"
#include "vibework/infra/metrics/measured_backlog.hpp"
#include "vibework/infra/runtime.hpp"
#include "vibework/mail/config.hpp"
#include "vibework/mail/outbox.hpp"
#include "vibework/mail/smtp_client.hpp"
#include "vibework/mail/templates.hpp"
#include "vibework/mysql/database.hpp"

namespace vibework::infra {
class PeriodicTask;
}
namespace vibework::infra::metrics {
class Registry;
class Registration;
}

namespace vibework::mail {

class Mailer : public infra::Component {
 public:
  // Reads the templates (ConfigError for a bad MAIL_TEMPLATES_DIR); no I/O otherwise.
  Mailer(Config config, mysql::Database& db, infra::Runtime& runtime);
  ~Mailer() override;

  std::string_view name() const override { return "mail"; }
  // Starts the sender; an SMTP server that does not answer yet is logged, not fatal.
  awaitable<void> start() override;
  // Ends the schedule and waits for a batch in progress (each send bounded by SMTP_TIMEOUT_MS).
  awaitable<void> stop() override;
  std::vector<infra::HealthCheck> checks() override;

  Outbox& outbox() noexcept { return outbox_; }
  const Templates& templates() const noexcept { return templates_; }
  const Config& config() const noexcept { return config_; }

  // Sends what is due now, one batch; returns the number of rows sent (the sender's loop
  // calls it; tests may too).
  awaitable<std::size_t> send_due();
  // Brings the sender's next pass forward (called by the outbox after an enqueue).
  void wake();

  // mail_sent_total, mail_send_failures_total, and the queue: mail_queue_backlog_messages and
  // mail_queue_oldest_pending_age_seconds, measured by the sender at most every 5 s. Before start().
  void attach_metrics(infra::metrics::Registry& registry);

  std::uint64_t sent() const noexcept { return sent_.load(); }      // since start, for tests
  std::uint64_t failed() const noexcept { return failed_.load(); }  // attempts that failed

 private:
  awaitable<void> send_one(OutboxRow row, const std::string& owner);
  awaitable<void> pass();

  Config config_;
  mysql::Database& db_;
  SmtpClient smtp_;
  Templates templates_;
  Outbox outbox_;
  std::string instance_;  // "<host>:<pid>:<random>", the lease owner prefix
  std::atomic<std::uint64_t> claims_{0};
  std::atomic<std::uint64_t> sent_{0}, failed_{0};
  std::chrono::steady_clock::time_point last_prune_{};
  std::unique_ptr<infra::PeriodicTask> task_;
  std::atomic<bool> running_{false};
  // attach_metrics(): the last measured queue, read at scrape time.
  awaitable<void> measure_backlog_if_due();
  infra::metrics::MeasuredBacklog backlog_{std::chrono::seconds(5)};  // measured when metrics are attached
  std::vector<infra::metrics::Registration> metrics_;
};

}  // namespace vibework::mail
