#include "vibework/app/doctor_view.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "vibework/infra/health.hpp"

using namespace vibework;
using namespace std::chrono_literals;
using ::testing::HasSubstr;
using ::testing::Not;

namespace {
infra::NamedHealth ok(std::string name, std::chrono::milliseconds latency = 3ms) {
  return {std::move(name), "127.0.0.1:1", "", infra::HealthStatus::ok(latency)};
}
infra::NamedHealth failing(std::string name, std::string message) {
  return {std::move(name), "127.0.0.1:2", "scripts/services start", infra::HealthStatus::error(std::move(message))};
}
infra::ReadinessReport report(std::vector<infra::NamedHealth> checks) {
  infra::ReadinessReport r;
  for (const auto& c : checks) r.ok = r.ok && c.status.is_ok();
  r.checks = std::move(checks);
  return r;
}
const auto t0 = app::WatchView::Clock::time_point{} + std::chrono::hours(24 * 365 * 56);
}  // namespace

TEST(DoctorView, FormatsAges) {
  EXPECT_EQ(app::format_age(0s), "0s");
  EXPECT_EQ(app::format_age(59s), "59s");
  EXPECT_EQ(app::format_age(185s), "3m05s");
  EXPECT_EQ(app::format_age(2h + 10min + 7s), "2h10m");
  EXPECT_EQ(app::format_age(std::chrono::hours(76)), "3d04h");
  EXPECT_EQ(app::format_age(-5s), "0s");
}

TEST(DoctorView, OneShotTableNamesTheFailureAndWhatToTry) {
  const auto text = app::render_report(report({ok("mysql"), failing("redis", "connection refused")}));
  EXPECT_THAT(text, HasSubstr("SERVICE"));
  EXPECT_THAT(text, HasSubstr("mysql"));
  EXPECT_THAT(text, HasSubstr("ERROR"));
  EXPECT_THAT(text, HasSubstr("error: connection refused"));
  EXPECT_THAT(text, HasSubstr("try:   scripts/services start"));
  EXPECT_THAT(text, HasSubstr("some services are failing"));
}

TEST(DoctorView, WatchShowsHowLongEachStateHasLastedAndTheLastErrors) {
  app::WatchView view(2s);
  auto screen = view.update(report({ok("mysql"), ok("redis")}), t0);
  EXPECT_THAT(screen, HasSubstr("every 2s"));
  EXPECT_THAT(screen, HasSubstr("SINCE"));
  EXPECT_THAT(screen, HasSubstr("all services ok"));
  EXPECT_THAT(screen, Not(HasSubstr("last errors")));

  screen = view.update(report({ok("mysql"), failing("redis", "connection refused")}), t0 + 65s);
  EXPECT_THAT(screen, HasSubstr("some services are failing"));
  EXPECT_THAT(screen, HasSubstr("last errors"));
  EXPECT_THAT(screen, HasSubstr("redis: connection refused"));
  EXPECT_THAT(screen, HasSubstr("1m05s"));  // mysql has been ok since the first report

  // The same failure again is not a new error; its age grows from when it started.
  screen = view.update(report({ok("mysql"), failing("redis", "connection refused")}), t0 + 75s);
  const auto first = screen.find("redis: connection refused");
  ASSERT_NE(first, std::string::npos);
  EXPECT_EQ(screen.find("redis: connection refused", first + 1), std::string::npos);
  EXPECT_THAT(screen, HasSubstr("10s"));

  screen = view.update(report({ok("mysql"), ok("redis")}), t0 + 80s);
  EXPECT_THAT(screen, HasSubstr("redis: recovered"));
  EXPECT_THAT(screen, HasSubstr("all services ok"));
}

TEST(DoctorView, KeepsOnlyTheNewestErrors) {
  app::WatchView view(500ms);
  std::string screen;
  for (int i = 0; i < 8; ++i) screen = view.update(report({failing("redis", "failure " + std::to_string(i))}), t0 + i * 1s);
  EXPECT_THAT(screen, HasSubstr("every 0.5s"));
  EXPECT_THAT(screen, HasSubstr("failure 7"));
  EXPECT_THAT(screen, HasSubstr("failure 3"));
  EXPECT_THAT(screen, Not(HasSubstr("failure 2")));
}
