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
