#include "vibework/mail/mailer.hpp"

#include <random>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "vibework/infra/async/backoff.hpp"
#include "vibework/infra/async/periodic_task.hpp"
#include "vibework/infra/current_trace.hpp"
#include "vibework/infra/errors.hpp"
#include "vibework/infra/instance_tag.hpp"
#include "vibework/infra/lifecycle.hpp"
#include "vibework/infra/metrics/registry.hpp"

namespace vibework::mail {

namespace {
constexpr std::chrono::hours prune_every{1};

double unit_random() {
  thread_local std::minstd_rand random{std::random_device{}()};
  return std::uniform_real_distribution<double>(0.0, 1.0)(random);
}

}  // namespace

Mailer::Mailer(Config config, mysql::Database& db, infra::Runtime& runtime)
    : config_(std::move(config)),
      db_(db),
      smtp_(config_, runtime.blocking()),
      templates_(config_),
      outbox_(db, [this] { wake(); }),
      instance_(infra::instance_tag()) {}

Mailer::~Mailer() = default;

awaitable<void> Mailer::start() {
  // The table must exist (a missing migration will not fix itself); MySQL being down might.
  auto table_check = [this]() -> awaitable<void> { co_await db_.execute("SELECT 1 FROM mail_outbox LIMIT 1"); };
  try {
    co_await infra::first_contact("mail", table_check(), "mail waits until MySQL is back");
  } catch (const infra::Error& e) {
    throw infra::QueryError("mail", "cannot read the outbox table mail_outbox: " + e.message(),
                            "apply the migrations: vibework migrate (or MYSQL_MIGRATE_ON_START=true)");
  }
  try {
    co_await smtp_.noop(config_.connect_timeout);
  } catch (const std::exception& e) {
    // Not fatal, whatever it is: the API serves without mail, and mail waits in the outbox.
    spdlog::warn("mail: {}; starting anyway (mail waits in the outbox until the SMTP server answers)", e.what());
  }
  auto work = [this]() -> awaitable<void> { co_await pass(); };
  task_ = std::make_unique<infra::PeriodicTask>(co_await asio::this_coro::executor, config_.poll_interval,
                                                "mail: outbox sender", std::move(work));
  running_.store(true);
  task_->start();
  task_->wake();  // what is due already goes now
  spdlog::info("mail: sending via {} as {}", config_.address(), config_.from.email);
}

awaitable<void> Mailer::stop() {
  running_.store(false);
  if (task_) co_await task_->stop();
}

void Mailer::wake() {
  if (running_.load() && task_) task_->wake();
}

awaitable<void> Mailer::pass() {
  const auto claimed = co_await send_due();
  co_await measure_backlog_if_due();
  if (claimed == config_.batch_size) wake();  // a full batch: more may be due
  const auto now = std::chrono::steady_clock::now();
  if (now - last_prune_ >= prune_every) {
    last_prune_ = now;
    const auto pruned = co_await outbox_.prune_sent(config_.keep_sent);
    if (pruned > 0) spdlog::info("mail: pruned {} sent row(s) older than {} h", pruned, config_.keep_sent.count());
  }
}

awaitable<std::size_t> Mailer::send_due() {
  const std::string owner = instance_ + ":" + std::to_string(++claims_);
  auto rows = co_await outbox_.claim(owner, config_.batch_size, config_.lease);
  const auto claimed = rows.size();
  for (auto& row : rows) {
    // Stopping: finish the mail in hand, hand the rest back instead of holding them for a lease.
    if (task_ && !running_.load()) {
      co_await outbox_.release(row.id, owner);
      continue;
    }
    // Each mail's lines continue the trace of the request that wrote it (or start one).
    const auto ex = co_await asio::this_coro::executor;
    const auto traced = infra::traced(ex, infra::trace_from_header(row.traceparent));
    co_await asio::co_spawn(traced, send_one(std::move(row), owner), asio::use_awaitable);
  }
  co_return claimed;
}

awaitable<void> Mailer::send_one(OutboxRow row, const std::string& owner) {
  std::string error;
  try {
    Envelope envelope{config_.from, outbox_message_id(row.id, config_.from), row.created_at};
    std::string message = build_message(row.mail, envelope);
    const auto recipient = parse_address(row.mail.to);  // valid: checked at enqueue
    co_await smtp_.send(recipient ? recipient->email : row.mail.to, std::move(message));
  } catch (const std::exception& e) {
    error = e.what();
  }
  if (error.empty()) {
    co_await outbox_.mark_sent(row.id, owner);
    ++sent_;
    spdlog::info("mail: sent outbox row {} ({}) after {} attempt(s)", row.id, row.mail.kind, row.attempts);
    co_return;
  }
  ++failed_;
  const auto delay = infra::backoff_delay(row.attempts > 0 ? row.attempts - 1 : 0, config_.retry_min,
                                          config_.retry_max, unit_random());
  spdlog::warn("mail: outbox row {} ({}) not sent, attempt {}: {}; retrying in {} ms", row.id, row.mail.kind,
               row.attempts, error, delay.count());
  co_await outbox_.mark_failed(row.id, owner, std::move(error), delay);
}

std::vector<infra::HealthCheck> Mailer::checks() {
  infra::HealthCheck smtp;
  smtp.name = "mail";
  smtp.address = config_.address();
  smtp.hint = "is the SMTP server up? check SMTP_URL (locally: scripts/services start mailpit)";
  smtp.probe = [this]() -> awaitable<void> {
    co_await smtp_.noop(std::min<std::chrono::milliseconds>(config_.timeout, infra::default_health_timeout));
  };
  smtp.critical = false;  // the API serves without mail: degraded, not down
  return {std::move(smtp)};
}

void Mailer::attach_metrics(infra::metrics::Registry& r) {
  metrics_.push_back(r.counter_callback("mail_sent_total", "Mails the SMTP server accepted.",
                                        [this] { return static_cast<double>(sent_.load()); }));
  metrics_.push_back(r.counter_callback("mail_send_failures_total", "Send attempts that failed (the mail is retried).",
                                        [this] { return static_cast<double>(failed_.load()); }));
  metrics_.push_back(r.gauge_callback("mail_queue_backlog_messages", "Mails in the outbox not sent yet (measured by the sender).",
                                      [this] { return backlog_.pending(); }));
  metrics_.push_back(r.gauge_callback("mail_queue_oldest_pending_age_seconds",
                                      "Age of the oldest mail not sent yet (0 when none).",
                                      [this] { return backlog_.oldest_age_seconds(); }));
}

// For the metrics: at most every 5 s, one COUNT over the unsent rows. Never throws (a failed
// measurement keeps the last value; the sender's own errors are logged where they happen).
awaitable<void> Mailer::measure_backlog_if_due() {
  if (metrics_.empty() || !backlog_.due()) co_return;
  try {
    const auto b = co_await outbox_.backlog();
    backlog_.record(b.pending, b.oldest);
  } catch (const std::exception&) {
  }
}

}  // namespace vibework::mail
