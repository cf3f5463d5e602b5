// Unit tests of the reference service's configuration: the auth section, and every section
// loaded together as `vibework` does at start.
#include "vibework/app/app_config.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "vibework/testkit/env.hpp"

using namespace vibework;
using ::testing::HasSubstr;

namespace {
auto load(testkit::Env env) { return app::load_app_config(testkit::env_lookup(std::move(env))); }
}  // namespace

TEST(AppConfig, DefaultsNeedNoVariables) {
  auto r = load({});
  ASSERT_TRUE(r.ok()) << testkit::problems_text(r.problems);
  EXPECT_TRUE(r.config.get<auth::Config>().secret_is_dev_default);
}

TEST(AppConfig, ReadsTheAuthSecret) {
  auto r = load({{"AUTH_SECRET", "s3cr3t"}});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.config.get<auth::Config>().signing_secret(), "s3cr3t");
}

TEST(AppConfig, ProductionRequiresA32ByteSecretAndNeverEchoesIt) {
  // (production also needs a real mail server and sender: given here, tested with the mail part)
  const auto production = [](testkit::Env extra) {
    extra.emplace("APP_ENV", "production");
    extra.emplace("SMTP_URL", "smtp://mail.internal:25");
    extra.emplace("MAIL_FROM", "App <no-reply@app.example>");
    return load(std::move(extra));
  };
  auto missing = testkit::only_problem(production({}).problems);
  EXPECT_THAT(missing, HasSubstr("AUTH_SECRET: is missing"));
  auto short_secret = testkit::only_problem(production({{"AUTH_SECRET", "tooshort-secret"}}).problems);
  EXPECT_THAT(short_secret, HasSubstr("is 15 bytes; production needs at least 32"));
  EXPECT_THAT(short_secret, ::testing::Not(HasSubstr("tooshort-secret")));
  EXPECT_TRUE(production({{"AUTH_SECRET", std::string(32, 'k')}}).ok());
}

TEST(AppConfig, ReportsEveryProblemAtOnce) {
  auto r = load({{"MYSQL_PORT", "x"}, {"HTTP_PORT", "y"}, {"REDIS_URL", "nope"}});
  EXPECT_EQ(r.problems.size(), 3u);
}

TEST(AppConfig, DescribeNeverContainsSecrets) {
  auto r = load({{"MYSQL_PASSWORD", "hunter2-db"}, {"REDIS_URL", "redis://:hunter2-redis@h:1/0"},
                 {"AUTH_SECRET", "hunter2-auth-secret"}, {"MONGODB_URI", "mongodb://u:hunter2-mongo@h/db"}});
  ASSERT_TRUE(r.ok());
  for (const auto& line : r.config.describe()) {
    EXPECT_THAT(line, ::testing::Not(HasSubstr("hunter2"))) << line;
  }
}
