// Unit tests of the REDIS_* configuration.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "vibework/redis/config.hpp"
#include "vibework/testkit/env.hpp"

using namespace vibework;
using namespace std::chrono_literals;
using testing::HasSubstr;

namespace {
infra::ConfigResult<redis::Config> load(testkit::Env env) { return testkit::load_config<redis::Config>(std::move(env)); }
std::string problems(const infra::ConfigResult<redis::Config>& r) { return testkit::problems_text(r.problems); }
}  // namespace

TEST(RedisConfig, DefaultsAreSafe) {
  auto r = load({});
  ASSERT_TRUE(r.ok()) << problems(r);
  const auto& c = r.config.get<redis::Config>();
  EXPECT_EQ(c.host, "localhost");
  EXPECT_EQ(c.port, 6379);
  EXPECT_EQ(c.db, 0);
  EXPECT_EQ(c.connections, 0u);  // one per I/O thread
  EXPECT_EQ(c.connect_timeout, 3000ms);
  EXPECT_EQ(c.command_timeout, 2000ms);
  EXPECT_EQ(c.reconnect_min, 50ms);
  EXPECT_EQ(c.reconnect_max, 1000ms);
  EXPECT_EQ(c.offline_wait, 0ms);  // fail fast while disconnected
}

TEST(RedisConfig, ReadsTheTuningVariables) {
  auto r = load({{"REDIS_CONNECTIONS", "4"}, {"REDIS_CONNECT_TIMEOUT_MS", "500"}, {"REDIS_COMMAND_TIMEOUT_MS", "250"},
                 {"REDIS_RECONNECT_MIN_MS", "10"}, {"REDIS_RECONNECT_MAX_MS", "400"},
                 {"REDIS_OFFLINE_WAIT_MS", "1500"}, {"REDIS_SUBSCRIBER_PING_MS", "2000"},
                 {"REDIS_URL", "redis://default:p%40ss@cache.internal:6380/5"}});
  ASSERT_TRUE(r.ok()) << problems(r);
  const auto& c = r.config.get<redis::Config>();
  EXPECT_EQ(c.connections, 4u);
  EXPECT_EQ(c.connect_timeout, 500ms);
  EXPECT_EQ(c.command_timeout, 250ms);
  EXPECT_EQ(c.reconnect_min, 10ms);
  EXPECT_EQ(c.reconnect_max, 400ms);
  EXPECT_EQ(c.offline_wait, 1500ms);
  EXPECT_EQ(c.subscriber_ping, 2000ms);
  EXPECT_EQ(c.host, "cache.internal");
  EXPECT_EQ(c.port, 6380);
  EXPECT_EQ(c.db, 5);
  EXPECT_EQ(c.username, "default");
  EXPECT_EQ(c.password, "p@ss");  // percent-decoded
}

TEST(RedisConfig, BadValuesAreConfigErrorsAtStart) {
  EXPECT_THAT(problems(load({{"REDIS_COMMAND_TIMEOUT_MS", "soon"}})), HasSubstr("REDIS_COMMAND_TIMEOUT_MS"));
  EXPECT_THAT(problems(load({{"REDIS_CONNECTIONS", "-1"}})), HasSubstr("REDIS_CONNECTIONS"));
  EXPECT_THAT(problems(load({{"REDIS_RECONNECT_MIN_MS", "500"}, {"REDIS_RECONNECT_MAX_MS", "100"}})),
              HasSubstr("REDIS_RECONNECT_MAX_MS: must not be smaller"));
  EXPECT_THAT(problems(load({{"REDIS_URL", "rediss://localhost:6379"}})), HasSubstr("TLS"));
  EXPECT_THAT(problems(load({{"REDIS_URL", "redis://:secret@/0"}})), HasSubstr("REDIS_URL"));
}

TEST(RedisConfig, ReadsTheUrl) {
  auto r = load({{"REDIS_URL", "redis://user:secret@cache:6380/2"}});
  ASSERT_TRUE(r.ok()) << problems(r);
  const auto& c = r.config.get<redis::Config>();
  EXPECT_EQ(c.host, "cache");
  EXPECT_EQ(c.port, 6380);
  EXPECT_EQ(c.db, 2);
  EXPECT_EQ(c.username, "user");
  EXPECT_EQ(c.password, "secret");
}

TEST(RedisConfig, MalformedUrls) {
  EXPECT_THAT(testkit::only_problem(load({{"REDIS_URL", "http://localhost:6379"}}).problems), HasSubstr("REDIS_URL: must start with redis://"));
  EXPECT_THAT(testkit::only_problem(load({{"REDIS_URL", "redis://[oops"}}).problems), HasSubstr("not a valid URL"));
  EXPECT_THAT(testkit::only_problem(load({{"REDIS_URL", "redis://localhost:6379/x"}}).problems), HasSubstr("database number"));
}

TEST(RedisConfig, DescribeNeverShowsThePassword) {
  auto r = load({{"REDIS_URL", "redis://:hunter2@localhost:6379/1"}});
  ASSERT_TRUE(r.ok());
  for (const auto& line : r.config.describe()) EXPECT_THAT(line, testing::Not(HasSubstr("hunter2")));
}
