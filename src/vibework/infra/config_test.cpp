#include "vibework/infra/config.hpp"

#include <map>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

using namespace vibework::infra;
using ::testing::HasSubstr;

namespace {
ConfigResult load(std::map<std::string, std::string> vars) {
  return load_config([vars](std::string_view name) -> std::optional<std::string> {
    auto it = vars.find(std::string(name));
    if (it == vars.end()) return std::nullopt;
    return it->second;
  });
}
std::string only_problem(const ConfigResult& r) {
  EXPECT_EQ(r.problems.size(), 1u);
  return r.problems.empty() ? "" : r.problems.front().to_string();
}
}  // namespace

TEST(Config, DefaultsMatchLocalDevelopment) {
  auto r = load({});
  ASSERT_TRUE(r.ok());
  const auto& c = r.config;
  EXPECT_FALSE(c.production());
  EXPECT_EQ(c.mysql.host, "localhost");
  EXPECT_EQ(c.mysql.port, 3306);
  EXPECT_EQ(c.mysql.user, "root");
  EXPECT_EQ(c.mysql.password, "password");
  EXPECT_EQ(c.mysql.database, "vibework");
  EXPECT_EQ(c.mysql.connection_limit, 10u);
  EXPECT_TRUE(c.mysql.wait_for_connections);
  EXPECT_EQ(c.mysql.queue_limit, 0u);
  EXPECT_EQ(c.mongodb.uri, "mongodb://localhost:27017/vibework");
  EXPECT_EQ(c.mongodb.database, "vibework");
  EXPECT_EQ(c.redis.host, "localhost");
  EXPECT_EQ(c.redis.port, 6379);
  EXPECT_EQ(c.redis.db, 0);
  EXPECT_EQ(c.pubsub.project_id, "vibework-project");
  ASSERT_TRUE(c.pubsub.emulator.has_value());
  EXPECT_EQ(c.pubsub.emulator->to_string(), "localhost:8085");
  EXPECT_EQ(c.http.host, "127.0.0.1");
  EXPECT_EQ(c.http.port, 3000);
  EXPECT_EQ(c.health_timeout, std::chrono::milliseconds(5000));
  EXPECT_EQ(c.log.level, "info");
  EXPECT_FALSE(c.log.json);
  EXPECT_TRUE(c.auth.secret_is_dev_default);
  EXPECT_FALSE(c.http.test_routes);
}

TEST(Config, ReadsEveryVariable) {
  auto r = load({{"MYSQL_HOST", "db.internal"}, {"MYSQL_PORT", "3307"}, {"MYSQL_USER", "app"},
                 {"MYSQL_PASSWORD", "pw"}, {"MYSQL_DATABASE", "prod"}, {"MYSQL_POOL_SIZE", "25"},
                 {"MONGODB_URI", "mongodb://u:p@m1:27018,m2:27019/notes?replicaSet=rs0"},
                 {"REDIS_URL", "redis://user:secret@cache:6380/2"}, {"PUBSUB_PROJECT_ID", "acme"},
                 {"PUBSUB_EMULATOR_HOST", "127.0.0.1:8086"}, {"AUTH_SECRET", "s3cr3t"},
                 {"HTTP_HOST", "0.0.0.0"}, {"HTTP_PORT", "8080"}, {"LOG_LEVEL", "debug"},
                 {"LOG_FORMAT", "json"}, {"SHUTDOWN_TIMEOUT_MS", "2500"}, {"HEALTH_TIMEOUT_MS", "1000"}});
  ASSERT_TRUE(r.ok()) << r.problems.front().to_string();
  const auto& c = r.config;
  EXPECT_EQ(c.mysql.address(), "db.internal:3307/prod");
  EXPECT_EQ(c.mysql.user, "app");
  EXPECT_EQ(c.mysql.connection_limit, 25u);
  EXPECT_EQ(c.mongodb.database, "notes");
  EXPECT_EQ(c.mongodb.address, "m1:27018,m2:27019");
  EXPECT_EQ(c.redis.host, "cache");
  EXPECT_EQ(c.redis.port, 6380);
  EXPECT_EQ(c.redis.db, 2);
  EXPECT_EQ(c.redis.username, "user");
  EXPECT_EQ(c.redis.password, "secret");
  EXPECT_EQ(c.pubsub.project_id, "acme");
  EXPECT_EQ(c.pubsub.emulator->port, 8086);
  EXPECT_EQ(c.auth.secret, "s3cr3t");
  EXPECT_EQ(c.http.port, 8080);
  EXPECT_EQ(c.log.level, "debug");
  EXPECT_TRUE(c.log.json);
  EXPECT_EQ(c.shutdown_timeout, std::chrono::milliseconds(2500));
  EXPECT_EQ(c.health_timeout, std::chrono::milliseconds(1000));
}

TEST(Config, NonNumericPortNamesVariableValueAndExample) {
  auto msg = only_problem(load({{"MYSQL_PORT", "abc"}}));
  EXPECT_THAT(msg, HasSubstr("MYSQL_PORT"));
  EXPECT_THAT(msg, HasSubstr("'abc' is not a number"));
  EXPECT_THAT(msg, HasSubstr("MYSQL_PORT=3306"));
}

TEST(Config, PortOutOfRange) {
  EXPECT_THAT(only_problem(load({{"HTTP_PORT", "70000"}})), HasSubstr("between 1 and 65535"));
  EXPECT_THAT(only_problem(load({{"HTTP_PORT", "0"}})), HasSubstr("between 1 and 65535"));
}

TEST(Config, MalformedUris) {
  EXPECT_THAT(only_problem(load({{"MONGODB_URI", "localhost:27017"}})), HasSubstr("MONGODB_URI: must start with mongodb://"));
  EXPECT_THAT(only_problem(load({{"MONGODB_URI", "mongodb:///db"}})), HasSubstr("has no host"));
  EXPECT_THAT(only_problem(load({{"REDIS_URL", "http://localhost:6379"}})), HasSubstr("REDIS_URL: must start with redis://"));
  EXPECT_THAT(only_problem(load({{"REDIS_URL", "redis://[oops"}})), HasSubstr("not a valid URL"));
  EXPECT_THAT(only_problem(load({{"REDIS_URL", "redis://localhost:6379/x"}})), HasSubstr("database number"));
  EXPECT_THAT(only_problem(load({{"PUBSUB_EMULATOR_HOST", "localhost"}})), HasSubstr("PUBSUB_EMULATOR_HOST: 'localhost' is not host:port"));
}

TEST(Config, InvalidEnumsAndNumbers) {
  EXPECT_THAT(only_problem(load({{"LOG_FORMAT", "xml"}})), HasSubstr("LOG_FORMAT: 'xml' is not one of: json, text"));
  EXPECT_THAT(only_problem(load({{"LOG_LEVEL", "loud"}})), HasSubstr("LOG_LEVEL"));
  EXPECT_THAT(only_problem(load({{"APP_ENV", "staging"}})), HasSubstr("APP_ENV"));
  EXPECT_THAT(only_problem(load({{"MYSQL_POOL_SIZE", "0"}})), HasSubstr("out of range"));
  EXPECT_THAT(only_problem(load({{"HEALTH_TIMEOUT_MS", "soon"}})), HasSubstr("not a number of milliseconds"));
  EXPECT_THAT(only_problem(load({{"MYSQL_WAIT_FOR_CONNECTIONS", "maybe"}})), HasSubstr("not a boolean"));
  EXPECT_THAT(only_problem(load({{"HTTP_HOST", "not an address"}})), HasSubstr("HTTP_HOST"));
}

TEST(Config, ProductionRequiresA32ByteSecretAndNeverEchoesIt) {
  auto missing = only_problem(load({{"APP_ENV", "production"}}));
  EXPECT_THAT(missing, HasSubstr("AUTH_SECRET: is missing"));
  auto short_secret = only_problem(load({{"APP_ENV", "production"}, {"AUTH_SECRET", "tooshort-secret"}}));
  EXPECT_THAT(short_secret, HasSubstr("is 15 bytes; production needs at least 32"));
  EXPECT_THAT(short_secret, ::testing::Not(HasSubstr("tooshort-secret")));
  EXPECT_TRUE(load({{"APP_ENV", "production"}, {"AUTH_SECRET", std::string(32, 'k')}}).ok());
}

TEST(Config, ProductionTalksToGoogleUnlessTheEmulatorIsSet) {
  auto r = load({{"APP_ENV", "production"}, {"AUTH_SECRET", std::string(40, 'k')}});
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r.config.pubsub.emulator.has_value());
  auto dev_google = load({{"PUBSUB_EMULATOR_HOST", ""}});
  EXPECT_FALSE(dev_google.config.pubsub.emulator.has_value());
}

TEST(Config, ReportsEveryProblemAtOnce) {
  auto r = load({{"MYSQL_PORT", "x"}, {"HTTP_PORT", "y"}, {"REDIS_URL", "nope"}});
  EXPECT_EQ(r.problems.size(), 3u);
}

TEST(Config, DescribeNeverContainsSecrets) {
  auto r = load({{"MYSQL_PASSWORD", "hunter2-db"}, {"REDIS_URL", "redis://:hunter2-redis@h:1/0"},
                 {"AUTH_SECRET", "hunter2-auth-secret"}, {"MONGODB_URI", "mongodb://u:hunter2-mongo@h/db"}});
  ASSERT_TRUE(r.ok());
  for (const auto& line : r.config.describe()) {
    EXPECT_THAT(line, ::testing::Not(HasSubstr("hunter2"))) << line;
  }
}

TEST(Config, HttpMaxConnectionsIsDerivedUnlessSetAndMustBePositive) {
  EXPECT_EQ(load({}).config.http.max_connections, 0u);  // derived from the open-file limit at start
  auto set = load({{"HTTP_MAX_CONNECTIONS", "2000"}});
  ASSERT_TRUE(set.ok());
  EXPECT_EQ(set.config.http.max_connections, 2000u);
  const auto zero = only_problem(load({{"HTTP_MAX_CONNECTIONS", "0"}}));
  EXPECT_THAT(zero, HasSubstr("HTTP_MAX_CONNECTIONS: 0 is out of range"));
  EXPECT_THAT(zero, HasSubstr("example: HTTP_MAX_CONNECTIONS=10000"));
  EXPECT_THAT(only_problem(load({{"HTTP_MAX_CONNECTIONS", "many"}})), HasSubstr("'many' is not a whole number"));
}

TEST(Config, HealthDetailsDefaultToStatusInProduction) {
  EXPECT_EQ(load({}).config.health_details, HealthDetails::full);
  const std::string secret(32, 'k');
  EXPECT_EQ(load({{"APP_ENV", "production"}, {"AUTH_SECRET", secret}}).config.health_details, HealthDetails::status);
  EXPECT_EQ(load({{"APP_ENV", "production"}, {"AUTH_SECRET", secret}, {"HEALTH_DETAILS", "full"}}).config.health_details,
            HealthDetails::full);
  EXPECT_EQ(load({{"HEALTH_DETAILS", "status"}}).config.health_details, HealthDetails::status);
  EXPECT_THAT(only_problem(load({{"HEALTH_DETAILS", "some"}})), HasSubstr("HEALTH_DETAILS: 'some' is not one of: full, status"));
}
