// Unit tests of the MYSQL_* configuration.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "vibework/mysql/config.hpp"
#include "vibework/testkit/env.hpp"

using namespace vibework;
using ::testing::HasSubstr;

namespace {
infra::ConfigResult<mysql::Config> load(testkit::Env env) { return testkit::load_config<mysql::Config>(std::move(env)); }
}  // namespace

TEST(MysqlConfig, DefaultsMatchTheOriginal) {
  auto r = load({});
  ASSERT_TRUE(r.ok()) << testkit::problems_text(r.problems);
  const auto& c = r.config.get<mysql::Config>();
  EXPECT_EQ(c.host, "localhost");
  EXPECT_EQ(c.port, 3306);
  EXPECT_EQ(c.user, "root");
  EXPECT_EQ(c.password, "password");
  EXPECT_EQ(c.database, "vibework");
  EXPECT_EQ(c.connection_limit, 10u);
  EXPECT_TRUE(c.wait_for_connections);
  EXPECT_EQ(c.queue_limit, 0u);
}

TEST(MysqlConfig, ReadsEveryVariable) {
  auto r = load({{"MYSQL_HOST", "db.internal"}, {"MYSQL_PORT", "3307"}, {"MYSQL_USER", "app"},
                 {"MYSQL_PASSWORD", "pw"}, {"MYSQL_DATABASE", "prod"}, {"MYSQL_POOL_SIZE", "25"}});
  ASSERT_TRUE(r.ok()) << testkit::problems_text(r.problems);
  const auto& c = r.config.get<mysql::Config>();
  EXPECT_EQ(c.address(), "db.internal:3307/prod");
  EXPECT_EQ(c.user, "app");
  EXPECT_EQ(c.connection_limit, 25u);
}

TEST(MysqlConfig, NonNumericPortNamesVariableValueAndExample) {
  auto msg = testkit::only_problem(load({{"MYSQL_PORT", "abc"}}).problems);
  EXPECT_THAT(msg, HasSubstr("MYSQL_PORT"));
  EXPECT_THAT(msg, HasSubstr("'abc' is not a number"));
  EXPECT_THAT(msg, HasSubstr("MYSQL_PORT=3306"));
}

TEST(MysqlConfig, InvalidNumbersAndBooleans) {
  EXPECT_THAT(testkit::only_problem(load({{"MYSQL_POOL_SIZE", "0"}}).problems), HasSubstr("out of range"));
  EXPECT_THAT(testkit::only_problem(load({{"MYSQL_WAIT_FOR_CONNECTIONS", "maybe"}}).problems), HasSubstr("not a boolean"));
}

TEST(MysqlConfig, UrlAndNamingVariables) {
  auto r = load({{"MYSQL_URL", "mysql://app:s%40cret@db.internal:3307/shop"},
                 {"MYSQL_COLUMN_NAMING", "camel_case"},
                 {"MYSQL_TABLE_USER", "users"}});
  ASSERT_TRUE(r.ok()) << r.problems.front().to_string();
  const auto& c = r.config.get<mysql::Config>();
  EXPECT_EQ(c.user, "app");
  EXPECT_EQ(c.password, "s@cret");
  EXPECT_EQ(c.host, "db.internal");
  EXPECT_EQ(c.port, 3307);
  EXPECT_EQ(c.database, "shop");
  EXPECT_TRUE(c.camel_case_columns);
  EXPECT_EQ(c.table_user, "users");

  EXPECT_FALSE(load({{"MYSQL_URL", "postgres://x@y/z"}}).ok());
}

TEST(MysqlConfig, DescribeNeverShowsThePassword) {
  auto r = load({{"MYSQL_PASSWORD", "hunter2-db"}});
  ASSERT_TRUE(r.ok());
  for (const auto& line : r.config.describe()) EXPECT_THAT(line, ::testing::Not(HasSubstr("hunter2"))) << line;
}
