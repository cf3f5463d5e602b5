// Unit tests of the core settings and of how sections are loaded together.
#include "vibework/infra/config.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "vibework/testkit/env.hpp"

using namespace vibework;
using ::testing::HasSubstr;

namespace {
// A section as a part would write one: defaults, variables, a problem, a safe description.
struct ShopConfig {
  std::uint16_t port = 1234;
  std::string token = "dev-token";  // a secret
  bool strict = false;              // true in production

  static ShopConfig parse(infra::EnvReader& env, const infra::CoreConfig& core) {
    ShopConfig c;
    c.port = env.port("SHOP_PORT", c.port);
    c.token = env.string("SHOP_TOKEN", c.token);
    c.strict = core.production();
    return c;
  }
  std::string describe() const { return "SHOP port=" + std::to_string(port) + " token=***"; }
};
struct CacheConfig {
  std::uint16_t port = 5678;
  static CacheConfig parse(infra::EnvReader& env, const infra::CoreConfig&) {
    CacheConfig c;
    c.port = env.port("CACHE_PORT", c.port);
    return c;
  }
  std::string describe() const { return "CACHE port=" + std::to_string(port); }
};

infra::ConfigResult<> load_core(testkit::Env env) { return testkit::load_config<>(std::move(env)); }
}  // namespace

TEST(Config, CoreDefaultsMatchLocalDevelopment) {
  auto r = load_core({});
  ASSERT_TRUE(r.ok());
  const auto& c = r.config;
  EXPECT_FALSE(c.production());
  EXPECT_EQ(c.health_timeout, std::chrono::milliseconds(5000));
  EXPECT_EQ(c.shutdown_timeout, std::chrono::milliseconds(10000));
  EXPECT_EQ(c.blocking_threads, 16u);
  EXPECT_EQ(c.log.level, "info");
  EXPECT_FALSE(c.log.json);
}

TEST(Config, ReadsTheCoreVariables) {
  auto r = load_core({{"APP_ENV", "production"}, {"LOG_LEVEL", "debug"}, {"LOG_FORMAT", "json"},
                      {"SHUTDOWN_TIMEOUT_MS", "2500"}, {"HEALTH_TIMEOUT_MS", "1000"}, {"BLOCKING_THREADS", "4"}});
  ASSERT_TRUE(r.ok()) << testkit::problems_text(r.problems);
  const auto& c = r.config;
  EXPECT_TRUE(c.production());
  EXPECT_EQ(c.log.level, "debug");
  EXPECT_TRUE(c.log.json);
  EXPECT_EQ(c.shutdown_timeout, std::chrono::milliseconds(2500));
  EXPECT_EQ(c.health_timeout, std::chrono::milliseconds(1000));
  EXPECT_EQ(c.blocking_threads, 4u);
}

TEST(Config, InvalidEnumsAndNumbers) {
  EXPECT_THAT(testkit::only_problem(load_core({{"LOG_FORMAT", "xml"}}).problems), HasSubstr("LOG_FORMAT: 'xml' is not one of: json, text"));
  EXPECT_THAT(testkit::only_problem(load_core({{"LOG_LEVEL", "loud"}}).problems), HasSubstr("LOG_LEVEL"));
  EXPECT_THAT(testkit::only_problem(load_core({{"APP_ENV", "staging"}}).problems), HasSubstr("APP_ENV"));
  EXPECT_THAT(testkit::only_problem(load_core({{"HEALTH_TIMEOUT_MS", "soon"}}).problems), HasSubstr("not a number of milliseconds"));
}

TEST(Config, SectionsSeeTheCoreSettingsAndAreReachedByType) {
  auto r = testkit::load_config<ShopConfig, CacheConfig>({{"APP_ENV", "production"}, {"SHOP_PORT", "8080"}});
  ASSERT_TRUE(r.ok()) << testkit::problems_text(r.problems);
  EXPECT_EQ(r.config.get<ShopConfig>().port, 8080);
  EXPECT_TRUE(r.config.get<ShopConfig>().strict);
  EXPECT_EQ(r.config.get<CacheConfig>().port, 5678);
}

TEST(Config, ReportsEveryProblemOfEverySectionAtOnce) {
  auto r = testkit::load_config<ShopConfig, CacheConfig>({{"SHOP_PORT", "x"}, {"CACHE_PORT", "y"}, {"LOG_LEVEL", "z"}});
  ASSERT_EQ(r.problems.size(), 3u);
  EXPECT_EQ(r.problems[0].variable, "LOG_LEVEL");  // core first, then the sections in order
  EXPECT_EQ(r.problems[1].variable, "SHOP_PORT");
  EXPECT_EQ(r.problems[2].variable, "CACHE_PORT");
}

TEST(Config, DescribeHasOneLinePerSectionAndNoSecrets) {
  auto r = testkit::load_config<ShopConfig, CacheConfig>({{"SHOP_TOKEN", "hunter2"}});
  ASSERT_TRUE(r.ok());
  const auto lines = r.config.describe();
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_THAT(lines[0], HasSubstr("APP_ENV=development"));
  EXPECT_THAT(lines[1], HasSubstr("SHOP port=1234"));
  for (const auto& line : lines) EXPECT_THAT(line, ::testing::Not(HasSubstr("hunter2"))) << line;
}

TEST(Config, HealthDetailsDefaultToStatusInProduction) {
  using infra::HealthDetails;
  EXPECT_EQ(load_core({}).config.health_details, HealthDetails::full);
  EXPECT_EQ(load_core({{"APP_ENV", "production"}}).config.health_details, HealthDetails::status);
  EXPECT_EQ(load_core({{"APP_ENV", "production"}, {"HEALTH_DETAILS", "full"}}).config.health_details, HealthDetails::full);
  EXPECT_EQ(load_core({{"HEALTH_DETAILS", "status"}}).config.health_details, HealthDetails::status);
  EXPECT_THAT(testkit::only_problem(load_core({{"HEALTH_DETAILS", "some"}}).problems),
              HasSubstr("HEALTH_DETAILS: 'some' is not one of: full, status"));
}
