#include "vibework/mail/config.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "vibework/testkit/env.hpp"

using namespace vibework;
using testing::HasSubstr;
using testing::Not;

namespace {
mail::Config parse_ok(testkit::Env env) {
  auto r = testkit::load_config<mail::Config>(std::move(env));
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.problems[0].to_string());
  return r.config.get<mail::Config>();
}
std::string problems(testkit::Env env) {
  auto r = testkit::load_config<mail::Config>(std::move(env));
  std::string out;
  for (const auto& p : r.problems) out += p.to_string() + "\n";
  return out;
}
}  // namespace

TEST(MailConfig, DefaultsToPlainSmtpOnLoopback) {
  const auto c = parse_ok({});
  EXPECT_EQ(c.host, "127.0.0.1");
  EXPECT_EQ(c.port, 1025);
  EXPECT_EQ(c.tls, mail::TlsMode::none);
  EXPECT_FALSE(c.username);
  EXPECT_EQ(c.from.email, "no-reply@vibework.localhost");
}

TEST(MailConfig, CredentialsOnSmtpRequireStartTls) {
  const auto c = parse_ok({{"SMTP_URL", "smtp://ada%40example.com:s%3Acret@smtp.example.com:587"}});
  EXPECT_EQ(c.host, "smtp.example.com");
  EXPECT_EQ(c.port, 587);
  EXPECT_EQ(c.username, "ada@example.com");  // percent-decoded
  EXPECT_EQ(c.password, "s:cret");
  EXPECT_EQ(c.tls, mail::TlsMode::starttls);
}

TEST(MailConfig, SmtpsIsImplicitTlsOn465ByDefault) {
  const auto c = parse_ok({{"SMTP_URL", "smtps://u:p@mail.example.com"}});
  EXPECT_EQ(c.tls, mail::TlsMode::implicit);
  EXPECT_EQ(c.port, 465);
}

TEST(MailConfig, StartTlsCanBeRequiredOrSwitchedOff) {
  EXPECT_EQ(parse_ok({{"SMTP_URL", "smtp://relay:25"}, {"SMTP_STARTTLS", "require"}}).tls, mail::TlsMode::starttls);
  EXPECT_EQ(parse_ok({{"SMTP_URL", "smtp://u:p@127.0.0.1:1025"}, {"SMTP_STARTTLS", "off"}}).tls, mail::TlsMode::none);
}

TEST(MailConfig, BadUrlsNameTheVariable) {
  EXPECT_THAT(problems({{"SMTP_URL", "http://mail.example.com"}}), HasSubstr("SMTP_URL: must start with smtp:// or smtps://"));
  EXPECT_THAT(problems({{"SMTP_URL", "smtp://"}}), HasSubstr("SMTP_URL: has no host"));
  EXPECT_THAT(problems({{"SMTP_URL", "smtp://h:0"}}), HasSubstr("SMTP_URL: has an invalid port"));
  EXPECT_THAT(problems({{"SMTP_URL", "not a url"}}), HasSubstr("SMTP_URL: is not a valid URL"));
}

TEST(MailConfig, TheDescriptionNeverShowsThePassword) {
  const auto c = parse_ok({{"SMTP_URL", "smtp://user:hunter2@smtp.example.com:587"}});
  EXPECT_THAT(c.describe(), Not(HasSubstr("hunter2")));
  EXPECT_THAT(c.describe(), HasSubstr("password ***"));
  // A bad URL's problem does not echo the URL (it may hold the password) either.
  EXPECT_THAT(problems({{"SMTP_URL", "ftp://user:hunter2@x"}}), Not(HasSubstr("hunter2")));
}

TEST(MailConfig, MailFromIsAMailbox) {
  const auto c = parse_ok({{"MAIL_FROM", "\"Acme, Inc.\" <hello@acme.test>"}});
  EXPECT_EQ(c.from.name, "Acme, Inc.");
  EXPECT_EQ(c.from.email, "hello@acme.test");
  EXPECT_EQ(c.from.domain(), "acme.test");
  EXPECT_THAT(problems({{"MAIL_FROM", "nobody"}}), HasSubstr("MAIL_FROM: is not an address"));
  EXPECT_THAT(problems({{"MAIL_FROM", "a@b.c\r\nBcc: x@y.z"}}), HasSubstr("MAIL_FROM"));
}

TEST(MailConfig, TimeoutsAndBackoffBoundsAreChecked) {
  const auto c = parse_ok({{"SMTP_TIMEOUT_MS", "20000"}, {"MAIL_RETRY_MIN_MS", "100"}, {"MAIL_RETRY_MAX_MS", "2000"}});
  EXPECT_EQ(c.timeout.count(), 20000);
  EXPECT_EQ(c.retry_min.count(), 100);
  EXPECT_THAT(problems({{"MAIL_RETRY_MIN_MS", "5000"}, {"MAIL_RETRY_MAX_MS", "10"}}), HasSubstr("MAIL_RETRY_MAX_MS"));
  EXPECT_THAT(problems({{"SMTP_CONNECT_TIMEOUT_MS", "9000"}, {"SMTP_TIMEOUT_MS", "1000"}}), HasSubstr("SMTP_TIMEOUT_MS"));
  EXPECT_THAT(problems({{"MAIL_LEASE_MS", "1000"}}), HasSubstr("MAIL_LEASE_MS: must be at least"));
}

TEST(MailAddress, ParsesMailboxes) {
  auto a = mail::parse_address("Ada Lovelace <ada@example.com>");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->name, "Ada Lovelace");
  EXPECT_EQ(a->email, "ada@example.com");
  EXPECT_EQ(mail::parse_address(" bob@example.com ")->email, "bob@example.com");
  EXPECT_FALSE(mail::parse_address("bob"));
  EXPECT_FALSE(mail::parse_address("a@b@c"));
  EXPECT_FALSE(mail::parse_address("bob@example.com\r\nBcc: eve@example.com"));
  EXPECT_FALSE(mail::parse_address("Bob <bob@example.com"));
}

TEST(MailConfig, ProductionNeedsARealServerAndSender) {
  const auto text = problems({{"APP_ENV", "production"}});
  EXPECT_THAT(text, HasSubstr("SMTP_URL: is required when APP_ENV=production"));
  EXPECT_THAT(text, HasSubstr("MAIL_FROM: is required when APP_ENV=production"));
  EXPECT_EQ(problems({{"APP_ENV", "production"}, {"SMTP_URL", "smtps://u:p@smtp.example.com"},
                      {"MAIL_FROM", "App <no-reply@example.com>"}}),
            "");
}
