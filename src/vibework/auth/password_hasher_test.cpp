// PasswordHasher: results, the unknown-account path, and the bounded queue.
#include <atomic>
#include <future>
#include <vector>

#include <gtest/gtest.h>

#include "vibework/auth/password_hasher.hpp"
#include "vibework/infra/errors.hpp"
#include "vibework/testkit/async.hpp"

namespace vibework::auth {
namespace {

const Argon2Params fast{.memory_kib = 64, .iterations = 1, .parallelism = 1};

TEST(PasswordHasher, HashesVerifiesAndAnswersForUnknownAccounts) {
  PasswordHasher hasher({.threads = 2, .queue_limit = 4, .argon2 = fast});
  const auto stored = testkit::run_async(hasher.hash("correct horse"));
  EXPECT_TRUE(stored.starts_with("$argon2id$v=19$m=64,t=1,p=1$"));
  EXPECT_TRUE(testkit::run_async(hasher.verify("correct horse", stored)));
  EXPECT_FALSE(testkit::run_async(hasher.verify("wrong horse", stored)));
  EXPECT_NO_THROW(testkit::run_async(hasher.verify_unknown("anything")));
}

TEST(PasswordHasher, AFullQueueFailsAtOnceInsteadOfPilingUp) {
  // One thread and one queued place: of three hashes started together, the third is refused.
  // Not a race: the three starts are queued on `io` before any hash can finish, and a place is
  // given back only when its task resumes there afterwards.
  PasswordHasher hasher({.threads = 1, .queue_limit = 1, .argon2 = {}});
  asio::io_context io;
  std::atomic<int> done{0}, refused{0};
  auto one = [&]() -> awaitable<void> {
    try {
      (void)co_await hasher.hash("password123");
      ++done;
    } catch (const infra::PoolExhaustedError& e) {
      EXPECT_EQ(e.service(), "auth");
      ++refused;
    }
  };
  for (int i = 0; i < 3; ++i) asio::co_spawn(io, one(), asio::detached);
  io.run();
  EXPECT_EQ(done.load(), 2);
  EXPECT_EQ(refused.load(), 1);
  // Room again once they finished.
  EXPECT_FALSE(testkit::run_async(hasher.hash("password123")).empty());
}

TEST(PasswordHasher, StoppedRefusesNewWork) {
  PasswordHasher hasher({.threads = 1, .queue_limit = 1, .argon2 = fast});
  hasher.stop();
  EXPECT_THROW(testkit::run_async(hasher.hash("password123")), infra::UnavailableError);
}

}  // namespace
}  // namespace vibework::auth
