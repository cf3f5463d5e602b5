// Unit tests of the AUTH_* configuration.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "vibework/auth/config.hpp"
#include "vibework/testkit/env.hpp"

using namespace vibework;
using ::testing::HasSubstr;
using ::testing::Not;

namespace {
infra::ConfigResult<auth::Config> load(testkit::Env env) { return testkit::load_config<auth::Config>(std::move(env)); }
const std::string strong_a(32, 'a'), strong_b(40, 'b');
}  // namespace

TEST(AuthConfig, Defaults) {
  auto r = load({});
  ASSERT_TRUE(r.ok()) << testkit::problems_text(r.problems);
  const auto& c = r.config.get<auth::Config>();
  EXPECT_TRUE(c.secret_is_dev_default);
  EXPECT_EQ(c.secrets.size(), 1u);
  EXPECT_EQ(c.base_url, "http://localhost:3000");
  EXPECT_EQ(c.base_path, "/api/auth");
  EXPECT_EQ(c.argon2.memory_kib, 19456u);
  EXPECT_EQ(c.argon2.iterations, 2u);
  EXPECT_EQ(c.argon2.parallelism, 1u);
  EXPECT_TRUE(c.rehash);
}

TEST(AuthConfig, ASecretListRotates_TheFirstSigns) {
  auto r = load({{"APP_ENV", "production"}, {"AUTH_SECRET", strong_a + ", " + strong_b}});
  ASSERT_TRUE(r.ok()) << testkit::problems_text(r.problems);
  const auto& c = r.config.get<auth::Config>();
  EXPECT_EQ(c.secrets, (std::vector<std::string>{strong_a, strong_b}));
  EXPECT_EQ(c.signing_secret(), strong_a);
  EXPECT_THAT(c.describe(), HasSubstr("*** (2 secrets)"));
  EXPECT_THAT(c.describe(), Not(HasSubstr(strong_a)));
}

TEST(AuthConfig, BetterAuthsNamesAreReadToo) {
  auto r = load({{"BETTER_AUTH_SECRET", strong_a}, {"BETTER_AUTH_URL", "https://app.example.com"}});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.config.get<auth::Config>().signing_secret(), strong_a);
  EXPECT_EQ(r.config.get<auth::Config>().base_url, "https://app.example.com");
  auto both = load({{"AUTH_SECRET", strong_b}, {"BETTER_AUTH_SECRET", strong_a}});
  EXPECT_EQ(both.config.get<auth::Config>().signing_secret(), strong_b) << "AUTH_SECRET wins";
}

TEST(AuthConfig, ProductionRefusesPublishedAndShortSecretsWithoutEchoingThem) {
  auto published = testkit::only_problem(
      load({{"APP_ENV", "production"}, {"AUTH_SECRET", "better-auth-secret-12345678901234567890"}}).problems);
  EXPECT_THAT(published, HasSubstr("AUTH_SECRET: is a published default"));
  EXPECT_THAT(published, Not(HasSubstr("12345678901234567890")));
  auto short_second =
      testkit::only_problem(load({{"APP_ENV", "production"}, {"AUTH_SECRET", strong_a + ",short"}}).problems);
  EXPECT_THAT(short_second, HasSubstr("is 5 bytes (entry 2 of 2)"));
  EXPECT_THAT(testkit::only_problem(load({{"AUTH_SECRET", " , "}}).problems), HasSubstr("AUTH_SECRET: is empty"));
}

TEST(AuthConfig, BasePathAndArgon2ParametersAreValidated) {
  auto r = load({{"AUTH_BASE_PATH", "/auth"}, {"AUTH_ARGON2_MEMORY_KIB", "65536"}, {"AUTH_ARGON2_ITERATIONS", "3"},
                 {"AUTH_ARGON2_PARALLELISM", "4"}, {"AUTH_REHASH", "false"}});
  ASSERT_TRUE(r.ok()) << testkit::problems_text(r.problems);
  const auto& c = r.config.get<auth::Config>();
  EXPECT_EQ(c.base_path, "/auth");
  EXPECT_EQ(c.argon2.memory_kib, 65536u);
  EXPECT_EQ(c.argon2.iterations, 3u);
  EXPECT_EQ(c.argon2.parallelism, 4u);
  EXPECT_FALSE(c.rehash);
  EXPECT_THAT(testkit::only_problem(load({{"AUTH_BASE_PATH", "api/auth/"}}).problems), HasSubstr("AUTH_BASE_PATH"));
  EXPECT_THAT(testkit::only_problem(load({{"AUTH_ARGON2_MEMORY_KIB", "16"}, {"AUTH_ARGON2_PARALLELISM", "4"}}).problems),
              HasSubstr("below 8 KiB per lane"));
  EXPECT_THAT(testkit::only_problem(load({{"AUTH_ARGON2_ITERATIONS", "0"}}).problems), HasSubstr("AUTH_ARGON2_ITERATIONS"));
}
