#include <map>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "vibework/mongodb/config.hpp"
#include "vibework/testkit/env.hpp"

namespace vibework::mongodb {
namespace {

using ::testing::HasSubstr;
using std::chrono::milliseconds;

infra::ConfigResult<Config> load(testkit::Env vars) { return testkit::load_config<Config>(std::move(vars)); }
std::string problems_of(const infra::ConfigResult<Config>& r) { return testkit::problems_text(r.problems); }

TEST(MongodbConfig, Defaults) {
  const auto r = load({});
  ASSERT_TRUE(r.ok()) << problems_of(r);
  const auto& c = r.config.get<Config>();
  EXPECT_EQ(c.uri, "mongodb://localhost:27017/vibework");
  EXPECT_EQ(c.database, "vibework");
  EXPECT_EQ(c.address, "localhost:27017");
  EXPECT_EQ(c.pool_size, 10u);
  EXPECT_EQ(c.server_selection_timeout, milliseconds(5000));
  EXPECT_EQ(c.socket_timeout, milliseconds(10000));
  EXPECT_EQ(c.app_name, "vibework");
}

TEST(MongodbConfig, VariablesFillWhatTheUriLeavesOut) {
  const auto r = load({{"MONGODB_URI", "mongodb://db.internal/notes"},
                       {"MONGODB_POOL_SIZE", "25"},
                       {"MONGODB_SERVER_SELECTION_TIMEOUT_MS", "1500"},
                       {"MONGODB_SOCKET_TIMEOUT_MS", "2500"},
                       {"MONGODB_OPERATION_TIMEOUT_MS", "800"},
                       {"MONGODB_APP_NAME", "api"}});
  ASSERT_TRUE(r.ok()) << problems_of(r);
  const auto& c = r.config.get<Config>();
  EXPECT_EQ(c.database, "notes");
  EXPECT_EQ(c.address, "db.internal:27017");
  EXPECT_EQ(c.pool_size, 25u);
  EXPECT_EQ(c.server_selection_timeout, milliseconds(1500));
  EXPECT_EQ(c.socket_timeout, milliseconds(2500));
  EXPECT_EQ(c.operation_timeout, milliseconds(800));
  EXPECT_EQ(c.app_name, "api");
}

TEST(MongodbConfig, UriOptionsWin) {
  const auto r = load({{"MONGODB_URI",
                        "mongodb://u:p@m1:27018,m2:27019/notes?replicaSet=rs0&maxPoolSize=50&"
                        "serverSelectionTimeoutMS=700&socketTimeoutMS=900&appname=worker"},
                       {"MONGODB_POOL_SIZE", "5"},
                       {"MONGODB_SERVER_SELECTION_TIMEOUT_MS", "1500"}});
  ASSERT_TRUE(r.ok()) << problems_of(r);
  const auto& c = r.config.get<Config>();
  EXPECT_EQ(c.address, "m1:27018,m2:27019");
  EXPECT_EQ(c.pool_size, 50u);
  EXPECT_EQ(c.server_selection_timeout, milliseconds(700));
  EXPECT_EQ(c.socket_timeout, milliseconds(900));
  EXPECT_EQ(c.app_name, "worker");
}

TEST(MongodbConfig, DriverRejectsWhatItCannotParse) {
  for (const char* bad : {"mongodb://localhost:99999/db", "mongodb://host/db?replicaSet=", "mongodb://user@:27017/db"}) {
    const auto r = load({{"MONGODB_URI", bad}});
    ASSERT_EQ(r.problems.size(), 1u) << bad << " was accepted";
    EXPECT_EQ(r.problems[0].variable, "MONGODB_URI");
  }
  EXPECT_THAT(problems_of(load({{"MONGODB_URI", "mongodb://localhost:99999/db"}})),
              HasSubstr("is not a valid MongoDB URI"));
}

TEST(MongodbConfig, CommonMistakesInOurWords) {
  EXPECT_THAT(problems_of(load({{"MONGODB_URI", "localhost:27017"}})), HasSubstr("must start with mongodb://"));
  EXPECT_THAT(problems_of(load({{"MONGODB_URI", "mongodb:///db"}})), HasSubstr("has no host"));
  EXPECT_THAT(problems_of(load({{"MONGODB_POOL_SIZE", "0"}})), HasSubstr("MONGODB_POOL_SIZE"));
}

TEST(MongodbConfig, SerializeUpdatesIsAutoTrueOrFalse) {
  using S = Config::SerializeUpdates;
  EXPECT_EQ(load({}).config.get<Config>().serialize_updates, S::automatic);
  EXPECT_EQ(load({{"MONGODB_SERIALIZE_UPDATES", "true"}}).config.get<Config>().serialize_updates, S::on);
  EXPECT_EQ(load({{"MONGODB_SERIALIZE_UPDATES", "false"}}).config.get<Config>().serialize_updates, S::off);
  EXPECT_THAT(problems_of(load({{"MONGODB_SERIALIZE_UPDATES", "yes please"}})), HasSubstr("MONGODB_SERIALIZE_UPDATES"));
}

TEST(MongodbConfig, ProblemNeverShowsThePassword) {
  const auto r = load({{"MONGODB_URI", "mongodb://u:hunter2-mongo@localhost:99999/db"}});
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(problems_of(r), ::testing::Not(HasSubstr("hunter2")));
}

TEST(MongodbConfig, DescribeNeverShowsThePassword) {
  const auto r = load({{"MONGODB_URI", "mongodb://u:hunter2-mongo@m1:27018,m2:27019/notes?replicaSet=rs0"}});
  ASSERT_TRUE(r.ok()) << problems_of(r);
  const auto& c = r.config.get<Config>();
  EXPECT_EQ(c.database, "notes");
  EXPECT_EQ(c.address, "m1:27018,m2:27019");
  for (const auto& line : r.config.describe()) EXPECT_THAT(line, ::testing::Not(HasSubstr("hunter2"))) << line;
}

}  // namespace
}  // namespace vibework::mongodb
