#include "vibework/auth/password_hasher.hpp"

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
      decoy_(hash_password("vibework decoy password", options.argon2)),
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
  auto permit = co_await admit();
  auto job = [password = std::move(password), params = options_.argon2] { return hash_password(password, params); };
  co_return co_await threads_.run(std::move(job));
}

awaitable<bool> PasswordHasher::verify(std::string password, std::string stored) {
  auto permit = co_await admit();
  auto job = [password = std::move(password), stored = std::move(stored)] { return verify_password(password, stored); };
  co_return co_await threads_.run(std::move(job));
}

awaitable<void> PasswordHasher::verify_unknown(std::string password) {
  auto permit = co_await admit();
  auto job = [password = std::move(password), stored = decoy_] { (void)verify_password(password, stored); };
  co_await threads_.run(std::move(job));
}

}  // namespace vibework::auth
