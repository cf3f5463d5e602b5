#include "vibework/auth/password_hasher.hpp"

#include <algorithm>

#include <chrono>

#include <fmt/format.h>

namespace vibework::auth {

namespace {
infra::SemaphoreErrors errors(const HasherOptions& o) {
  return {"auth",
          fmt::format("a password hash ({} computing, {} queued at most)", o.threads, o.queue_limit),
          "too many sign-ins at once: retry in a second (raise AUTH_HASH_THREADS on a bigger machine)",
          "the password hasher is stopped", "the service is stopping; retry on another instance"};
}
}  // namespace

PasswordHasher::PasswordHasher(HasherOptions options)
    : options_(options),
      decoy_(decoy_hash(options.argon2)),
      admitted_(options.threads + options.queue_limit, errors(options)),
      threads_(options.threads, "auth-hash", infra::ThreadPriority::background) {}  // never ahead of I/O

PasswordHasher::~PasswordHasher() { stop(); }

void PasswordHasher::stop() {
  admitted_.close();
  threads_.join();
}

// A place in the hasher (computing or queued) or PoolExhaustedError at once: waiting for one
// would only move the queue from here to the caller.
awaitable<infra::AsyncSemaphore::Permit> PasswordHasher::admit() {
  co_return co_await admitted_.acquire(std::chrono::milliseconds(0));
}

awaitable<std::string> PasswordHasher::hash(std::string password) {
  const auto started = infra::metrics::now_ticks();
  auto permit = co_await admit();
  auto job = [password = std::move(password), params = options_.argon2] { return hash_password(password, params); };
  auto stored = co_await threads_.run(std::move(job));
  hash_duration_.observe_since(started);
  co_return stored;
}

awaitable<bool> PasswordHasher::verify(std::string password, std::string stored) {
  const auto started = infra::metrics::now_ticks();
  auto permit = co_await admit();
  auto job = [password = std::move(password), stored = std::move(stored)] { return verify_password(password, stored); };
  const bool ok = co_await threads_.run(std::move(job));
  verify_duration_.observe_since(started);
  co_return ok;
}

void PasswordHasher::attach_metrics(infra::metrics::Registry& r) {
  auto duration = r.histogram_family("auth_password_hash_duration_seconds",
                                     "Argon2id work per call, waiting for a hasher thread included, by operation.",
                                     {"operation"}, infra::metrics::buckets::latency_seconds());
  hash_duration_ = duration.labels({"hash"});
  verify_duration_ = duration.labels({"verify"});
  const std::string help = "Password hashes admitted to the hasher: running on its threads, or queued for one.";
  const std::size_t threads = options_.threads;
  gauges_.push_back(r.gauge_callback("auth_hash_jobs", help, {"state"}, {"running"}, [this, threads] {
    return static_cast<double>(std::min(admitted_.in_use(), threads));
  }));
  gauges_.push_back(r.gauge_callback("auth_hash_jobs", help, {"state"}, {"queued"}, [this, threads] {
    const auto n = admitted_.in_use();
    return static_cast<double>(n > threads ? n - threads : 0);
  }));
}

awaitable<void> PasswordHasher::verify_unknown(std::string password) {
  auto permit = co_await admit();
  auto job = [password = std::move(password), stored = decoy_] { (void)verify_password(password, stored); };
  co_await threads_.run(std::move(job));
}

}  // namespace vibework::auth
