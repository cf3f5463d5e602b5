// The outbox and the sender against real MariaDB and a real Mailpit: what is enqueued arrives,
// with the headers and bodies we built, exactly once.
#include "vibework/mail/mailer.hpp"

#include <iostream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "vibework/infra/errors.hpp"
#include "vibework/infra/health.hpp"
#include "vibework/mail/test_support.hpp"

using namespace vibework;
using namespace vibework::mail;
using namespace std::chrono_literals;
using testing::HasSubstr;

namespace {

class MailerTest : public test::MailFixture {};

std::string str(const boost::json::value& v) { return std::string(v.as_string()); }

TEST_F(MailerTest, AMailEnqueuedInATransactionArrivesWithItsHeadersAndBothBodies) {
  // An hour between polls: only the wake-up after the commit can send it in time.
  auto& mailer = start_mailer(test::test_config(test::shared_smtp_url(), {{"MAIL_POLL_INTERVAL_MS", "3600000"}}));
  const auto api = test::shared_mailpit();
  const auto to = test::unique_recipient("verify");
  Mail mail = mailer.templates().render("verify-email", to, {"Zoë <Admin>", "https://app.test/verify?token=a&b=1"});
  const auto started = std::chrono::steady_clock::now();
  const auto id = run([&]() -> awaitable<std::uint64_t> {
    auto body = [&](mysql::Transaction& tx) -> awaitable<std::uint64_t> {
      co_return co_await mailer.outbox().enqueue(tx, std::move(mail));
    };
    co_return co_await db_->transaction(body);
  });
  EXPECT_LT(std::chrono::steady_clock::now() - started, 2s) << "enqueue writes a row, it does not wait for SMTP";
  ASSERT_TRUE(api.wait_for(to, 1, 15s)) << "the mail never reached Mailpit";
  const auto delivered = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
  std::cout << "enqueue to Mailpit: " << delivered.count() << " ms (including 50 ms API polls)\n";
  RecordProperty("delivery_ms", static_cast<int>(delivered.count()));
  const auto summaries = api.to(to);
  ASSERT_EQ(summaries.size(), 1u);
  const auto m = api.message(str(summaries[0].at("ID")));
  EXPECT_EQ(str(m.at("Subject")), "Verify your email address for Vibework Test");
  EXPECT_EQ(str(m.at("MessageID")), "outbox-" + std::to_string(id) + "@vibework.test");
  EXPECT_EQ(str(m.at("From").at("Address")), "no-reply@vibework.test");
  EXPECT_EQ(str(m.at("From").at("Name")), "vibework tests");
  EXPECT_EQ(str(m.at("To").at(0).at("Address")), to);
  EXPECT_THAT(str(m.at("Text")), HasSubstr("Hello Zoë <Admin>,"));
  EXPECT_THAT(str(m.at("Text")), HasSubstr("https://app.test/verify?token=a&b=1"));
  EXPECT_THAT(str(m.at("HTML")), HasSubstr("Hello Zoë &lt;Admin&gt;,"));
  EXPECT_THAT(str(m.at("HTML")), HasSubstr("href=\"https://app.test/verify?token=a&amp;b=1\""));
  ASSERT_TRUE(testkit::eventually([&] { return count_rows("sent_at IS NOT NULL") == 1; }, 5s));
  EXPECT_EQ(count_rows("sent_at IS NOT NULL AND locked_by IS NULL AND attempts = 1"), 1u);
}

TEST_F(MailerTest, ANonAsciiSubjectArrivesIntact) {
  auto& mailer = start_mailer(test::test_config(test::shared_smtp_url(), {{"MAIL_POLL_INTERVAL_MS", "3600000"}}));
  const auto api = test::shared_mailpit();
  const auto to = test::unique_recipient("subject");
  Mail mail{to, "Grüße aus Köln — ваш код: 42 €", "text body", "<p>html body</p>", "test"};
  run([&]() -> awaitable<void> { co_await mailer.outbox().enqueue(*db_, std::move(mail)); });
  ASSERT_TRUE(api.wait_for(to, 1, 15s));
  const auto m = api.message(str(api.to(to)[0].at("ID")));
  EXPECT_EQ(str(m.at("Subject")), "Grüße aus Köln — ваш код: 42 €");
  EXPECT_EQ(str(m.at("Text")), "text body");
  EXPECT_THAT(str(m.at("HTML")), HasSubstr("<p>html body</p>"));
}

TEST_F(MailerTest, ARolledBackTransactionLeavesNoMail) {
  auto& mailer = start_mailer(test::test_config(test::shared_smtp_url()));
  Mail mail{test::unique_recipient("rollback"), "never", "x", "", "test"};
  EXPECT_THROW(run([&]() -> awaitable<void> {
                 auto body = [&](mysql::Transaction& tx) -> awaitable<void> {
                   co_await mailer.outbox().enqueue(tx, std::move(mail));
                   throw std::runtime_error("the token insert failed");
                 };
                 co_await db_->transaction(body);
               }),
               std::runtime_error);
  EXPECT_EQ(count_rows("1 = 1"), 0u);
}

TEST_F(MailerTest, ABadRecipientIsRefusedBeforeAnythingIsWritten) {
  auto& mailer = start_mailer(test::test_config(test::shared_smtp_url()));
  Mail mail{"not-an-address", "x", "x", "", "test"};
  EXPECT_THROW(run([&]() -> awaitable<void> { co_await mailer.outbox().enqueue(*db_, std::move(mail)); }),
               infra::InvalidArgumentError);
  EXPECT_EQ(count_rows("1 = 1"), 0u);
}

TEST_F(MailerTest, StartTlsAndAuthAgainstAServerThatRequiresThem) {
  test::PrivateMailpit server;
  server.start({"--smtp-tls-cert", "sans:localhost", "--smtp-tls-key", "sans:localhost", "--smtp-require-starttls"});
  const std::string url = "smtp://mailer:s3cret@localhost:" + std::to_string(server.smtp_port());
  auto config = test::test_config(url, {{"SMTP_TLS_VERIFY", "false"}});  // Mailpit's certificate is self-signed
  ASSERT_EQ(config.tls, TlsMode::starttls);
  auto& mailer = start_mailer(config);
  const auto to = test::unique_recipient("tls");
  Mail mail{to, "over TLS", "secret text", "", "test"};
  run([&]() -> awaitable<void> { co_await mailer.outbox().enqueue(*db_, std::move(mail)); });
  ASSERT_TRUE(server.api().wait_for(to, 1, 15s)) << "not delivered over STARTTLS + AUTH";
  // A single-part body keeps its final line ending.
  EXPECT_EQ(str(server.api().message(str(server.api().to(to)[0].at("ID"))).at("Text")), "secret text\r\n");
}

TEST_F(MailerTest, TheHealthCheckIsNonCriticalAndAsksTheSmtpServer) {
  auto& mailer = start_mailer(test::test_config(test::shared_smtp_url()));
  auto checks = mailer.checks();
  ASSERT_EQ(checks.size(), 1u);
  EXPECT_EQ(checks[0].name, "mail");
  EXPECT_FALSE(checks[0].critical);
  const auto ok = run([&]() -> awaitable<infra::HealthStatus> { co_return co_await infra::run_check(checks[0].probe, 5s, "mail"); });
  EXPECT_TRUE(ok.is_ok()) << ok.message;

  // Nothing listens there: readiness stays ok (degraded) and names the problem.
  Mailer down(test::test_config("smtp://127.0.0.1:" + std::to_string(testkit::free_port())), *db_, *runtime_);
  infra::Readiness readiness(5s);
  readiness.add(down.checks());
  const auto report = run([&]() -> awaitable<infra::ReadinessReport> { co_return co_await readiness.report(); });
  EXPECT_TRUE(report.ok);
  EXPECT_TRUE(report.degraded);
  EXPECT_THAT(report.checks[0].status.message, HasSubstr("NOOP via 127.0.0.1:"));
}

TEST_F(MailerTest, TwoSendersOnOneOutboxSendEachMailOnce) {
  auto& first = start_mailer(test::test_config(test::shared_smtp_url(), {{"MAIL_BATCH_SIZE", "2"}}));
  auto second = std::make_unique<Mailer>(test::test_config(test::shared_smtp_url(), {{"MAIL_BATCH_SIZE", "2"}}), *db_, *runtime_);
  run([&]() -> awaitable<void> { co_await second->start(); });
  const auto api = test::shared_mailpit();
  const auto to = test::unique_recipient("pair");
  run([&]() -> awaitable<void> {
    for (int i = 0; i < 10; ++i) {
      Mail mail{to, "mail " + std::to_string(i), "body", "", "test"};
      co_await first.outbox().enqueue(*db_, std::move(mail));
    }
  });
  ASSERT_TRUE(testkit::eventually([&] { return count_rows("sent_at IS NULL") == 0; }, 30s));
  EXPECT_EQ(api.to(to).size(), 10u);
  EXPECT_EQ(first.sent() + second->sent(), 10u);
  run([&]() -> awaitable<void> { co_await second->stop(); });
}

}  // namespace
