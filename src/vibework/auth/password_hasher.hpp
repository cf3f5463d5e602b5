#pragma once
// PasswordHasher: password hashing off the I/O threads, on a few threads of its own, with a
// bounded queue. Argon2id costs tens of milliseconds of CPU and 19 MiB per call: unbounded, a
// burst of sign-ins would queue for seconds and take the memory with it. When the queue is
// full a call fails at once with PoolExhaustedError (503), so the client can retry later.
//
//   auth::PasswordHasher hasher({.threads = 2, .queue_limit = 64, .argon2 = config.argon2});
//   auto stored = co_await hasher.hash(password);
//   bool ok = co_await hasher.verify(password, stored);
//   co_await hasher.verify_unknown(password);   // an unknown email costs the same, answers false
#include <cstddef>
#include <string>

#include "vibework/auth/password.hpp"
#include "vibework/infra/asio.hpp"
#include "vibework/infra/async/async_semaphore.hpp"
#include "vibework/infra/blocking_pool.hpp"
#include "vibework/infra/metrics/registry.hpp"

namespace vibework::auth {

struct HasherOptions {
  std::size_t threads = 2;       // hashes computed at once
  std::size_t queue_limit = 64;  // hashes waiting for a thread; more fail at once
  Argon2Params argon2{};
};

class PasswordHasher {
 public:
  explicit PasswordHasher(HasherOptions options);
  ~PasswordHasher();
  PasswordHasher(const PasswordHasher&) = delete;
  PasswordHasher& operator=(const PasswordHasher&) = delete;

  // hash_password() on the hasher's threads.
  awaitable<std::string> hash(std::string password);
  // verify_password() on the hasher's threads.
  awaitable<bool> verify(std::string password, std::string stored);
  // The work of a verify against an Argon2id hash, for an account that does not exist: the
  // answer and the time taken do not tell whether the email is registered.
  awaitable<void> verify_unknown(std::string password);

  const HasherOptions& options() const noexcept { return options_; }
  // auth_password_hash_duration_seconds{operation} (queueing included) and
  // auth_hash_jobs{state=running|queued} in `registry` (which must outlive the hasher).
  void attach_metrics(infra::metrics::Registry& registry);

  // Refuses new work, waits for what runs. Idempotent; the destructor calls it.
  void stop();

 private:
  awaitable<infra::AsyncSemaphore::Permit> admit();

  HasherOptions options_;
  std::string decoy_;  // an Argon2id hash with the configured parameters, for verify_unknown
  infra::AsyncSemaphore admitted_;
  infra::BlockingPool threads_;
  infra::metrics::Histogram hash_duration_, verify_duration_;
  std::vector<infra::metrics::Registration> gauges_;  // last: unregistered before the rest goes
};

}  // namespace vibework::auth
