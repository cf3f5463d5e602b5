// An SMTP outage delays mail and loses none: with the server down, three mails are enqueued
// (each at once), their sends fail and are retried; once the server is up all three arrive,
// once each. The server is a private Mailpit, so the shared one is never stopped.
#include "vibework/mail/mailer.hpp"

#include <gtest/gtest.h>

#include "vibework/infra/health.hpp"
#include "vibework/mail/test_support.hpp"

using namespace vibework;
using namespace vibework::mail;
using namespace std::chrono_literals;

namespace {

class MailOutageTest : public test::MailFixture {};

TEST_F(MailOutageTest, MailEnqueuedWhileSmtpIsDownArrivesOnceEachWhenItIsBack) {
  test::PrivateMailpit server;  // ports chosen, not started: nothing listens yet
  auto& mailer = start_mailer(test::test_config("smtp://127.0.0.1:" + std::to_string(server.smtp_port())));
  const auto to = test::unique_recipient("outage");

  for (int i = 1; i <= 3; ++i) {
    const auto started = std::chrono::steady_clock::now();
    run([&]() -> awaitable<void> {
      Mail mail{to, "reset " + std::to_string(i), "link " + std::to_string(i), "<p>link</p>", "reset-password"};
      co_await mailer.outbox().enqueue(*db_, std::move(mail));
    });
    EXPECT_LT(std::chrono::steady_clock::now() - started, 1s) << "enqueue " << i << " waited for SMTP";
  }
  // Every mail was tried, failed and was retried (backoff 50..300 ms here), and is still queued with its error.
  ASSERT_TRUE(testkit::eventually([&] { return count_rows("attempts >= 2 AND last_error IS NOT NULL") == 3; }, 20s));
  EXPECT_EQ(count_rows("sent_at IS NULL"), 3u);
  const auto checks = mailer.checks();
  const auto down = run([&]() -> awaitable<infra::HealthStatus> { co_return co_await infra::run_check(checks[0].probe, 5s, "mail"); });
  EXPECT_FALSE(down.is_ok());

  server.start();
  ASSERT_TRUE(server.api().wait_for(to, 3, 30s)) << "not all mail arrived after the outage";
  ASSERT_TRUE(testkit::eventually([&] { return count_rows("sent_at IS NULL") == 0; }, 10s));
  // All marked sent: nothing can be sent again, so this count is final.
  const auto arrived = server.api().to(to);
  EXPECT_EQ(arrived.size(), 3u);
  std::set<std::string> subjects;
  for (const auto& m : arrived) subjects.insert(std::string(m.at("Subject").as_string()));
  EXPECT_EQ(subjects, (std::set<std::string>{"reset 1", "reset 2", "reset 3"}));
  EXPECT_GE(mailer.failed(), 3u);
  const auto up = run([&]() -> awaitable<infra::HealthStatus> { co_return co_await infra::run_check(checks[0].probe, 5s, "mail"); });
  EXPECT_TRUE(up.is_ok()) << up.message;
}

}  // namespace
