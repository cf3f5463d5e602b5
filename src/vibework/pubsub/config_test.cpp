// Unit tests of the PUBSUB_* configuration.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "vibework/pubsub/config.hpp"
#include "vibework/testkit/env.hpp"

using namespace vibework;
using ::testing::HasSubstr;

namespace {
infra::ConfigResult<pubsub::Config> load(testkit::Env env) { return testkit::load_config<pubsub::Config>(std::move(env)); }
}  // namespace

TEST(PubsubConfig, DevelopmentTalksToTheLocalEmulator) {
  auto r = load({});
  ASSERT_TRUE(r.ok()) << testkit::problems_text(r.problems);
  const auto& c = r.config.get<pubsub::Config>();
  EXPECT_EQ(c.project_id, "vibework-project");
  ASSERT_TRUE(c.emulator.has_value());
  EXPECT_EQ(c.emulator->to_string(), "localhost:8085");
}

TEST(PubsubConfig, ReadsProjectAndEmulator) {
  auto r = load({{"PUBSUB_PROJECT_ID", "acme"}, {"PUBSUB_EMULATOR_HOST", "127.0.0.1:8086"}});
  ASSERT_TRUE(r.ok()) << testkit::problems_text(r.problems);
  const auto& c = r.config.get<pubsub::Config>();
  EXPECT_EQ(c.project_id, "acme");
  ASSERT_TRUE(c.emulator.has_value());
  EXPECT_EQ(c.emulator->port, 8086);
}

TEST(PubsubConfig, EmulatorHostMustBeHostPort) {
  auto r = load({{"PUBSUB_EMULATOR_HOST", "localhost"}});
  ASSERT_EQ(r.problems.size(), 1u);
  EXPECT_THAT(r.problems.front().to_string(), HasSubstr("PUBSUB_EMULATOR_HOST: 'localhost' is not host:port"));
}

TEST(PubsubConfig, ProductionTalksToGoogleUnlessTheEmulatorIsSet) {
  auto r = load({{"APP_ENV", "production"}});
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r.config.get<pubsub::Config>().emulator.has_value());
  auto dev_google = load({{"PUBSUB_EMULATOR_HOST", ""}});
  EXPECT_FALSE(dev_google.config.get<pubsub::Config>().emulator.has_value());
}

TEST(PubsubConfig, RedeliveryBackoffDefaultsToTheOriginalPolicyAndIsValidated) {
  auto defaults = load({});
  ASSERT_TRUE(defaults.ok());
  EXPECT_EQ(defaults.config.get<pubsub::Config>().redelivery_min_backoff, std::chrono::seconds(10));
  EXPECT_EQ(defaults.config.get<pubsub::Config>().redelivery_max_backoff, std::chrono::seconds(600));

  auto quick = load({{"PUBSUB_REDELIVERY_MIN_BACKOFF_SECONDS", "0"}, {"PUBSUB_REDELIVERY_MAX_BACKOFF_SECONDS", "1"}});
  ASSERT_TRUE(quick.ok()) << testkit::problems_text(quick.problems);
  EXPECT_EQ(quick.config.get<pubsub::Config>().redelivery_min_backoff, std::chrono::seconds(0));
  EXPECT_EQ(quick.config.get<pubsub::Config>().redelivery_max_backoff, std::chrono::seconds(1));

  auto too_long = load({{"PUBSUB_REDELIVERY_MAX_BACKOFF_SECONDS", "601"}});
  ASSERT_EQ(too_long.problems.size(), 1u);
  EXPECT_THAT(too_long.problems.front().to_string(), HasSubstr("PUBSUB_REDELIVERY_MAX_BACKOFF_SECONDS"));

  auto inverted = load({{"PUBSUB_REDELIVERY_MIN_BACKOFF_SECONDS", "30"}, {"PUBSUB_REDELIVERY_MAX_BACKOFF_SECONDS", "20"}});
  ASSERT_EQ(inverted.problems.size(), 1u);
  EXPECT_THAT(inverted.problems.front().to_string(), HasSubstr("is smaller than PUBSUB_REDELIVERY_MIN_BACKOFF_SECONDS"));
}
