// GET /metrics on the binary (issue 14, metrics): after real traffic a scrape of the metrics
// listener passes `promtool check metrics` (Debian's prometheus package) and shows the HTTP
// requests by route template, a rejection, the MySQL pool, Pub/Sub publishes and the process;
// the endpoint is not on the main listener then, is there with METRICS_PORT=0, and is gone
// with METRICS_ENABLED=false.
#include "metrics_harness.hpp"

using namespace vibework::e2e;
using namespace vibework::e2e::metrics_harness;

namespace {

TEST_F(MetricsE2E, ALiveScrapePassesPromtoolAndShowsTheTraffic) {
  const auto metrics_port = free_port();
  Server server(metrics_env(metrics_port, {{"HTTP_MAX_BODY_BYTES", "4096"}}));
  ASSERT_TRUE(wait_ready(server));
  generate_traffic(server.port, "metrics");
  EXPECT_EQ(TestClient(server.port).request(verb::get, "/no/such/route").status, 404u);
  EXPECT_EQ(TestClient(server.port).request(verb::post, "/api/auth/sign-up/email", std::string(8192, 'x')).status, 413u);

  // The relay publishes the notification's event soon after the create: wait for it, bounded.
  std::string text;
  ASSERT_TRUE(eventually([&] {
    text = scrape(metrics_port).body;
    return sample(text, R"(pubsub_published_messages_total{topic="notifications-created"})").value_or(0) >= 1;
  }, 30s, 100ms)) << "no notification published\n" << text;

  const auto [code, output] = promtool_check(text);
  EXPECT_EQ(code, 0) << output << "\n" << text;

  EXPECT_EQ(sample(text, R"(http_requests_total{method="POST",route="/api/auth/sign-up/email",status="2xx"})"), 1);
  EXPECT_EQ(sample(text, R"(http_requests_total{method="POST",route="/api/notifications",status="2xx"})"), 1);
  EXPECT_EQ(sample(text, R"(http_requests_total{method="GET",route="/api/notifications/:id",status="2xx"})"), 1);
  EXPECT_GE(sample(text, R"(http_requests_total{method="GET",route="unmatched",status="4xx"})").value_or(0), 1);
  EXPECT_EQ(sample(text, R"(http_requests_rejected_total{reason="body_too_large"})"), 1);
  EXPECT_GE(sample(text, R"(http_request_duration_seconds_count{method="POST",route="/api/notifications"})").value_or(0), 1);
  EXPECT_THAT(text, Not(HasSubstr("route=\"/api/notifications/" + std::string("6"))))  // never a raw id
      << text;
  EXPECT_TRUE(sample(text, "http_requests_in_flight").has_value());
  EXPECT_TRUE(sample(text, "http_connections_open").has_value());
  EXPECT_GE(sample(text, R"(mysql_pool_connections{state="idle"})").value_or(0) +
                sample(text, R"(mysql_pool_connections{state="in_use"})").value_or(0), 1);
  EXPECT_EQ(sample(text, "mysql_pool_size"), 10);
  EXPECT_GE(sample(text, R"(mysql_query_duration_seconds_count{kind="insert"})").value_or(0), 1);
  EXPECT_GT(sample(text, "process_resident_memory_bytes").value_or(0), 0);
  EXPECT_GT(sample(text, "process_start_time_seconds").value_or(0), 1.7e9);
  EXPECT_THAT(text, HasSubstr("vibework_build_info{version=\""));
  EXPECT_EQ(sample(text, R"(auth_sign_ups_total{outcome="success"})"), 1);
  EXPECT_EQ(sample(text, R"(redis_connection_up{connection="0"})"), 1);
  EXPECT_GE(sample(text, R"(mongodb_operation_duration_seconds_count{operation="insert"})").value_or(0), 1);
  EXPECT_TRUE(sample(text, R"(outbox_backlog_events{store="mongodb notifications"})").has_value()) << text;
  EXPECT_EQ(sample(text, "mail_queue_backlog_messages"), 0);  // no mail was sent in this test
  EXPECT_EQ(sample(text, "mail_queue_oldest_pending_age_seconds"), 0);
  EXPECT_TRUE(sample(text, "mail_sent_total").has_value()) << text;

  // The metrics listener is not the API, and the API does not serve /metrics.
  EXPECT_EQ(TestClient(server.port).request(verb::get, "/metrics").status, 404u);
  EXPECT_EQ(TestClient(metrics_port).request(verb::get, "/health/live").status, 404u);
}

TEST_F(MetricsE2E, OnTheMainListenerWithPortZeroAndOffWhenDisabled) {
  {
    Server server(metrics_env(0));
    ASSERT_TRUE(wait_until_listening(server.port, 60s));
    EXPECT_EQ(TestClient(server.port).request(verb::get, "/health/live").status, 200u);
    // A request is counted once its response is written: the client may see it a moment earlier.
    HttpResult r;
    EXPECT_TRUE(eventually([&] {
      r = scrape(server.port);
      return r.body.find("http_requests_total{method=\"GET\",route=\"/health/live\",status=\"2xx\"} 1\n") !=
             std::string::npos;
    }, 10s, 20ms)) << r.body;
    EXPECT_EQ(r.status, 200u);
    EXPECT_THAT(header(r, "Content-Type"), HasSubstr("text/plain; version=0.0.4"));
  }
  Server off(metrics_env(0, {{"METRICS_ENABLED", "false"}}));
  ASSERT_TRUE(wait_until_listening(off.port, 60s));
  EXPECT_EQ(scrape(off.port).status, 404u);
}

}  // namespace
