// Unit tests of the HTTP_* configuration.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "vibework/http/config.hpp"
#include "vibework/testkit/env.hpp"

using namespace vibework;
using ::testing::HasSubstr;

namespace {
infra::ConfigResult<http::Config> load(testkit::Env env) { return testkit::load_config<http::Config>(std::move(env)); }
}  // namespace

TEST(HttpConfig, Defaults) {
  auto r = load({});
  ASSERT_TRUE(r.ok()) << testkit::problems_text(r.problems);
  const auto& c = r.config.get<http::Config>();
  EXPECT_EQ(c.host, "127.0.0.1");
  EXPECT_EQ(c.port, 3000);
  EXPECT_FALSE(c.test_routes);
  EXPECT_FALSE(c.json_logs);
}

TEST(HttpConfig, ReadsItsVariablesAndTheCoreOnesItNeeds) {
  auto r = load({{"HTTP_HOST", "0.0.0.0"}, {"HTTP_PORT", "8080"}, {"LOG_FORMAT", "json"}, {"SHUTDOWN_TIMEOUT_MS", "2500"}});
  ASSERT_TRUE(r.ok()) << testkit::problems_text(r.problems);
  const auto& c = r.config.get<http::Config>();
  EXPECT_EQ(c.host, "0.0.0.0");
  EXPECT_EQ(c.port, 8080);
  EXPECT_TRUE(c.json_logs);
  EXPECT_EQ(c.shutdown_timeout, std::chrono::milliseconds(2500));
}

TEST(HttpConfig, PortOutOfRange) {
  EXPECT_THAT(testkit::only_problem(load({{"HTTP_PORT", "70000"}}).problems), HasSubstr("between 1 and 65535"));
  EXPECT_THAT(testkit::only_problem(load({{"HTTP_PORT", "0"}}).problems), HasSubstr("between 1 and 65535"));
}

TEST(HttpConfig, HostMustBeAnAddress) {
  EXPECT_THAT(testkit::only_problem(load({{"HTTP_HOST", "not an address"}}).problems), HasSubstr("HTTP_HOST"));
}

TEST(HttpConfig, HttpMaxConnectionsIsDerivedUnlessSetAndMustBePositive) {
  EXPECT_EQ(load({}).config.get<http::Config>().max_connections, 0u);  // derived from the open-file limit at start
  auto set = load({{"HTTP_MAX_CONNECTIONS", "2000"}});
  ASSERT_TRUE(set.ok());
  EXPECT_EQ(set.config.get<http::Config>().max_connections, 2000u);
  const auto zero = testkit::only_problem(load({{"HTTP_MAX_CONNECTIONS", "0"}}).problems);
  EXPECT_THAT(zero, HasSubstr("HTTP_MAX_CONNECTIONS: 0 is out of range"));
  EXPECT_THAT(zero, HasSubstr("example: HTTP_MAX_CONNECTIONS=10000"));
  EXPECT_THAT(testkit::only_problem(load({{"HTTP_MAX_CONNECTIONS", "many"}}).problems), HasSubstr("'many' is not a whole number"));
}

TEST(HttpConfig, MetricsDefaultToTheMainListenerAndCanHaveTheirOwn) {
  auto r = load({});
  ASSERT_TRUE(r.ok());
  const auto& d = r.config.get<http::Config>();
  EXPECT_TRUE(d.metrics_enabled);
  EXPECT_EQ(d.metrics_host, "127.0.0.1");
  EXPECT_EQ(d.metrics_port, 0);
  r = load({{"METRICS_ENABLED", "false"}, {"METRICS_HOST", "0.0.0.0"}, {"METRICS_PORT", "9464"}});
  ASSERT_TRUE(r.ok()) << testkit::problems_text(r.problems);
  const auto& c = r.config.get<http::Config>();
  EXPECT_FALSE(c.metrics_enabled);
  EXPECT_EQ(c.metrics_host, "0.0.0.0");
  EXPECT_EQ(c.metrics_port, 9464);
}

TEST(HttpConfig, MetricsPortMustDifferFromHttpPort) {
  auto r = load({{"HTTP_PORT", "8080"}, {"METRICS_PORT", "8080"}, {"METRICS_HOST", "nowhere"}});
  ASSERT_FALSE(r.ok());
  const auto text = testkit::problems_text(r.problems);
  EXPECT_THAT(text, HasSubstr("METRICS_PORT"));
  EXPECT_THAT(text, HasSubstr("METRICS_HOST"));
}
