#include "vibework/app/descriptor_budget.hpp"

#include <limits>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "vibework/infra/errors.hpp"

using namespace vibework;
using namespace vibework::app;
using ::testing::HasSubstr;

namespace {
AppConfig defaults() {
  return load_app_config([](std::string_view) -> std::optional<std::string> { return std::nullopt; }).config;
}
}  // namespace

TEST(DescriptorBudget, ReservesForEveryPoolAndEachIoThread) {
  AppConfig c = defaults();
  // 64 fixed + 5 x 2 threads + MySQL 10 + MongoDB 10 (+2 monitors for one host)
  // + Redis one per thread (2) + 1 subscriber + Pub/Sub 32
  EXPECT_EQ(reserved_descriptors(c, 2), 64u + 10 + 10 + 10 + 2 + 2 + 1 + 32);
  c.get<mysql::Config>().connection_limit = 100;
  c.get<redis::Config>().connections = 8;
  c.get<mongodb::Config>().address = "m1:27017,m2:27017,m3:27017";
  EXPECT_EQ(reserved_descriptors(c, 2), 64u + 10 + 100 + 10 + 6 + 8 + 1 + 32);
}

TEST(DescriptorBudget, DefaultIsTheLimitMinusTheReserve) {
  const AppConfig c = defaults();
  const auto budget = http_connection_budget(c, 2, 1024);
  EXPECT_FALSE(budget.problem.has_value());
  EXPECT_FALSE(budget.from_environment);
  EXPECT_EQ(budget.max_connections, 1024 - reserved_descriptors(c, 2));
  EXPECT_EQ(budget.describe(), "at most 893 connections (derived; open-file limit 1024 - 131 kept for pools, logs and listeners)");
}

TEST(DescriptorBudget, AnInfiniteLimitIsCapped) {
  const auto budget = http_connection_budget(defaults(), 2, std::numeric_limits<std::uint64_t>::max());
  EXPECT_EQ(budget.max_connections, http::max_http_connections);
}

TEST(DescriptorBudget, ASetValueWithinTheLimitIsKept) {
  AppConfig c = defaults();
  c.get<http::Config>().max_connections = 500;
  const auto budget = http_connection_budget(c, 2, 1024);
  EXPECT_FALSE(budget.problem.has_value());
  EXPECT_TRUE(budget.from_environment);
  EXPECT_EQ(budget.max_connections, 500u);
}

TEST(DescriptorBudget, ASetValueAboveTheLimitIsAProblemNamingTheVariable) {
  AppConfig c = defaults();
  c.get<http::Config>().max_connections = 5000;
  const auto budget = http_connection_budget(c, 2, 1024);
  ASSERT_TRUE(budget.problem.has_value());
  const auto text = budget.problem->to_string();
  EXPECT_THAT(text, HasSubstr("HTTP_MAX_CONNECTIONS: 5000 is more than the open-file limit allows: 1024 open files, "
                              "131 kept for pools, logs and listeners, so at most 893"));
  EXPECT_THAT(text, HasSubstr("(example: HTTP_MAX_CONNECTIONS=893)"));
}

TEST(DescriptorBudget, ALimitThatLeavesNoRoomIsAConfigError) {
  try {
    http_connection_budget(defaults(), 2, 100);
    FAIL() << "expected a ConfigError";
  } catch (const infra::ConfigError& e) {
    EXPECT_THAT(e.message(), HasSubstr("open-file limit of 100 leaves no room for HTTP connections"));
    EXPECT_THAT(e.hint(), HasSubstr("LimitNOFILE="));
  }
}
