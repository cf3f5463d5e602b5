// The /status page and /status.json: every check shown with its state, gauges grouped by
// dependency, queues found by name, recent errors, everything escaped, redaction.
#include <boost/json.hpp>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "vibework/http/status_html.hpp"
#include "vibework/http/status_view.hpp"
#include "vibework/infra/metrics/registry.hpp"
#include "vibework/testkit/async.hpp"

using namespace vibework;
using namespace std::chrono_literals;
using ::testing::HasSubstr;
using ::testing::Not;

namespace {

infra::NamedHealth ok(std::string name, std::string address, std::chrono::milliseconds latency) {
  return {std::move(name), std::move(address), "", infra::HealthStatus::ok(latency), true};
}

infra::NamedHealth failed(std::string name, std::string address, std::string message) {
  return {std::move(name), std::move(address), "", infra::HealthStatus::error(std::move(message), 12ms), true};
}

infra::ReadinessReport four_checks() {
  infra::ReadinessReport r;
  r.ok = false;
  r.checks = {ok("mysql", "127.0.0.1:3306/vibework", 3ms), ok("mongodb", "127.0.0.1:27017/vibework", 4ms),
              failed("redis", "127.0.0.1:6379", "connection refused <127.0.0.1:6379> & \"friends\"; start it"),
              ok("pubsub", "127.0.0.1:8085 (emulator)", 7ms)};
  return r;
}

struct Fixture : ::testing::Test {
  infra::metrics::Registry registry;
  infra::RecentErrors errors{3};
  double in_use = 2;
  std::vector<infra::metrics::Registration> regs;

  Fixture() {
    regs.push_back(registry.gauge_callback("mysql_pool_size", "Pool size.", [] { return 10.0; }));
    regs.push_back(registry.gauge_callback("mysql_pool_connections", "By state.", {"state"}, {"in_use"},
                                           [this] { return in_use; }));
    regs.push_back(registry.gauge_callback("mysql_pool_waiters", "Waiters.", [] { return 0.0; }));
    regs.push_back(registry.gauge_callback("redis_connected", "Connected.", {"connection"}, {"<main>"}, [] { return 0.0; }));
    regs.push_back(registry.gauge_callback("outbox_backlog_events", "Pending.", [] { return 5.0; }));
    regs.push_back(registry.gauge_callback("outbox_oldest_event_age_seconds", "Oldest.", [] { return 75.0; }));
    regs.push_back(registry.gauge_callback("http_connections_open", "Open.", [] { return 1.0; }));
    regs.push_back(registry.gauge_callback("vibework_build_info", "Build.", [] { return 1.0; }));
    registry.counter("http_requests_total", "Not a gauge.").inc();
  }

  http::StatusSources sources(bool redact = false) const {
    return {.readiness = nullptr, .registry = &registry, .errors = &errors,
            .started = std::chrono::system_clock::now() - 3725s, .redact = redact};
  }
};

using StatusPage = Fixture;

TEST_F(StatusPage, ShowsEveryCheckWithItsStateLatencyAndAddress) {
  const auto html = http::render_status_html(http::make_status_view(sources(), four_checks()));
  EXPECT_THAT(html, HasSubstr("<!doctype html>"));
  for (const auto* name : {"mysql", "mongodb", "redis", "pubsub"}) {
    EXPECT_THAT(html, HasSubstr(std::string("data-check=\"") + name + "\"")) << name;
  }
  EXPECT_THAT(html, HasSubstr("<article class=\"card ok\" data-check=\"mysql\">"));
  EXPECT_THAT(html, HasSubstr("<article class=\"card error\" data-check=\"redis\">"));
  EXPECT_THAT(html, HasSubstr("127.0.0.1:3306/vibework"));
  EXPECT_THAT(html, HasSubstr("latency 7 ms"));
  EXPECT_THAT(html, HasSubstr("id=\"overall\" class=\"pill error\">error<"));
  EXPECT_THAT(html, HasSubstr("up <b id=\"uptime\">1h 02m 05s</b>"));
}

TEST_F(StatusPage, EscapesEverythingFromTheOutside) {
  auto report = four_checks();
  report.checks[0].name = "my<sql>";
  report.checks[1].address = "\"><img src=x onerror=alert(1)>";
  errors.record("redis", "</td><script>alert('x')</script>");
  const auto html = http::render_status_html(http::make_status_view(sources(), report));
  EXPECT_THAT(html, HasSubstr("connection refused &lt;127.0.0.1:6379&gt; &amp; &quot;friends&quot;; start it"));
  EXPECT_THAT(html, HasSubstr("data-check=\"my&lt;sql&gt;\""));
  EXPECT_THAT(html, HasSubstr("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"));
  EXPECT_THAT(html, Not(HasSubstr("<img")));
  EXPECT_THAT(html, HasSubstr("&lt;/td&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"));
  EXPECT_THAT(html, HasSubstr("redis_connected</td><td class=\"labels\">connection=&quot;&lt;main&gt;&quot;"));
  // The only script is the page's own.
  std::size_t scripts = 0;
  for (auto at = html.find("<script"); at != std::string::npos; at = html.find("<script", at + 1)) ++scripts;
  EXPECT_EQ(scripts, 1u);
}

TEST_F(StatusPage, GaugesGoToTheirDependencyQueuesAndTheRest) {
  const auto view = http::make_status_view(sources(), four_checks());
  ASSERT_EQ(view.checks.size(), 4u);
  const auto& mysql = view.checks[0].gauges;
  ASSERT_EQ(mysql.size(), 3u);
  EXPECT_EQ(mysql[0].metric, "mysql_pool_connections");
  EXPECT_EQ(mysql[0].labels, "state=\"in_use\"");
  EXPECT_EQ(mysql[0].text, "2");
  EXPECT_EQ(mysql[1].metric, "mysql_pool_size");
  EXPECT_EQ(mysql[2].metric, "mysql_pool_waiters");
  EXPECT_TRUE(view.checks[1].gauges.empty());
  ASSERT_EQ(view.checks[2].gauges.size(), 1u);
  EXPECT_EQ(view.checks[2].gauges[0].metric, "redis_connected");

  ASSERT_EQ(view.queues.size(), 2u);
  EXPECT_EQ(view.queues[0].metric, "outbox_backlog_events");
  EXPECT_EQ(view.queues[1].text, "1m 15s");
  ASSERT_EQ(view.other.size(), 1u) << "build info is in the header; counters are for /metrics";
  EXPECT_EQ(view.other[0].name, "http");

  const auto html = http::render_status_html(view);
  EXPECT_THAT(html, HasSubstr("<td class=\"metric\">mysql_pool_size</td><td class=\"labels\"></td><td class=\"num\">10</td>"));
  EXPECT_THAT(html, HasSubstr("outbox_oldest_event_age_seconds"));
  EXPECT_THAT(html, Not(HasSubstr("<p class=\"none\">No queue gauges")));
}

TEST_F(StatusPage, GaugesAreReadAtEachView) {
  EXPECT_EQ(http::make_status_view(sources(), four_checks()).checks[0].gauges[0].text, "2");
  in_use = 7;
  EXPECT_EQ(http::make_status_view(sources(), four_checks()).checks[0].gauges[0].text, "7");
}

TEST_F(StatusPage, RecentErrorsAreShownNewestFirstAndBounded) {
  for (int i = 0; i < 5; ++i) errors.record("check" + std::to_string(i), "failure " + std::to_string(i));
  const auto view = http::make_status_view(sources(), four_checks());
  ASSERT_EQ(view.errors.size(), 3u);
  const auto html = http::render_status_html(view);
  EXPECT_THAT(html, HasSubstr("failure 4"));
  EXPECT_THAT(html, HasSubstr("failure 2"));
  EXPECT_THAT(html, Not(HasSubstr("failure 1")));
  EXPECT_LT(html.find("failure 4"), html.find("failure 2"));
}

TEST_F(StatusPage, EmptySectionsSaySo) {
  infra::metrics::Registry empty;
  const http::StatusSources none{.registry = &empty};
  const auto html = http::render_status_html(http::make_status_view(none, {}));
  EXPECT_THAT(html, HasSubstr("No readiness checks registered."));
  EXPECT_THAT(html, HasSubstr("No queue gauges"));
  EXPECT_THAT(html, HasSubstr("No failed checks since the start."));
  EXPECT_THAT(html, HasSubstr("class=\"pill ok\">ok<"));
}

TEST_F(StatusPage, RedactedHidesAddressesAndMessages) {
  errors.record("redis", "connection refused <127.0.0.1:6379>");
  const auto view = http::make_status_view(sources(true), four_checks());
  const auto html = http::render_status_html(view);
  EXPECT_THAT(html, Not(HasSubstr("127.0.0.1")));
  EXPECT_THAT(html, HasSubstr("(hidden)"));
  EXPECT_THAT(html, HasSubstr("HEALTH_DETAILS=status"));
  EXPECT_THAT(html, HasSubstr("data-check=\"redis\""));
}

TEST_F(StatusPage, JsonCarriesTheSameView) {
  errors.record("redis", "connection refused");
  const auto json = http::status_json(http::make_status_view(sources(), four_checks()));
  const auto& o = json.as_object();
  EXPECT_EQ(o.at("status").as_string(), "error");
  EXPECT_EQ(o.at("uptimeSeconds").as_int64(), 3725);
  EXPECT_EQ(o.at("uptime").as_string(), "1h 02m 05s");
  EXPECT_FALSE(o.at("version").as_string().empty());
  EXPECT_TRUE(o.at("generatedAt").as_string().ends_with("Z"));
  const auto& checks = o.at("checks").as_array();
  ASSERT_EQ(checks.size(), 4u);
  EXPECT_EQ(checks[0].at("name").as_string(), "mysql");
  EXPECT_EQ(checks[0].at("status").as_string(), "ok");
  EXPECT_EQ(checks[0].at("latencyMs").as_int64(), 3);
  EXPECT_EQ(checks[0].at("address").as_string(), "127.0.0.1:3306/vibework");
  EXPECT_EQ(checks[0].at("gauges").as_array().size(), 3u);
  EXPECT_EQ(checks[0].at("gauges").at(1).at("metric").as_string(), "mysql_pool_size");
  EXPECT_EQ(checks[0].at("gauges").at(1).at("value").as_double(), 10);
  EXPECT_EQ(checks[2].at("status").as_string(), "error");
  EXPECT_THAT(std::string(checks[2].at("message").as_string()), HasSubstr("connection refused <127.0.0.1:6379>"));
  EXPECT_EQ(o.at("queues").as_array().size(), 2u);
  EXPECT_EQ(o.at("other").at(0).at("name").as_string(), "http");
  const auto& errs = o.at("errors").as_array();
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_EQ(errs[0].at("check").as_string(), "redis");
  EXPECT_EQ(errs[0].at("count").as_uint64(), 1u);
}

TEST_F(StatusPage, CollectRunsTheChecksAndTheirFailuresReachTheErrors) {
  infra::Readiness readiness(1000ms);
  readiness.on_report([this](const infra::ReadinessReport& r) { errors.record(r); });
  readiness.add({"mysql", "127.0.0.1:3306", []() -> awaitable<void> { co_return; }, ""});
  readiness.add({"redis", "127.0.0.1:1", []() -> awaitable<void> {
                   throw std::runtime_error("connection refused");
                   co_return;
                 }, ""});
  auto s = sources();
  s.readiness = &readiness;
  const auto view = testkit::run_async(http::collect_status(s));
  ASSERT_EQ(view.checks.size(), 2u);
  EXPECT_TRUE(view.checks[0].health.status.is_ok());
  EXPECT_FALSE(view.checks[1].health.status.is_ok());
  ASSERT_EQ(view.errors.size(), 1u);
  EXPECT_EQ(view.errors[0].message, "connection refused");

  readiness.set_shutting_down();
  const auto stopping = testkit::run_async(http::collect_status(s));
  EXPECT_EQ(stopping.overall, "shutting down");
  ASSERT_EQ(stopping.checks.size(), 2u) << "every dependency is still listed";
  EXPECT_EQ(stopping.checks[1].health.name, "redis");
}

TEST(StatusFormat, ValuesByUnit) {
  EXPECT_EQ(http::format_gauge_value("x_total", 3), "3");
  EXPECT_EQ(http::format_gauge_value("x", 0.25), "0.25");
  EXPECT_EQ(http::format_gauge_value("x_seconds", 1.5), "1.5 s");
  EXPECT_EQ(http::format_gauge_value("x_seconds", 3725), "1h 02m 05s");
  EXPECT_EQ(http::format_gauge_value("process_start_time_seconds", 1796319901), "2026-12-03 17:45:01 UTC");
  EXPECT_EQ(http::format_gauge_value("x_bytes", 40.0 * 1024 * 1024), "40.0 MiB");
  EXPECT_EQ(http::format_duration(0s), "0s");
  EXPECT_EQ(http::format_duration(90000s), "1d 01h 00m");
}

}  // namespace
