// A real Prometheus (Debian's prometheus package) scrapes the running binary (issue 14,
// metrics): started on loopback with a 1 s scrape interval against the metrics listener; after
// a sign-up and a notification create, its HTTP API (/api/v1/query) answers for
// http_requests_total, the MySQL pool gauge and the Pub/Sub published counter.
#include "metrics_harness.hpp"

using namespace vibework::e2e;
using namespace vibework::e2e::metrics_harness;

namespace {

constexpr const char* prometheus_binary = "/usr/bin/prometheus";

struct Prometheus {
  unsigned short port = free_port();
  std::filesystem::path dir;
  std::unique_ptr<ChildProcess> process;

  explicit Prometheus(unsigned short target_port)
      : dir(std::filesystem::temp_directory_path() / ("vibework-prometheus-" + pid_text())) {
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir / "data");
    std::ofstream(dir / "prometheus.yml") << "global:\n"
                                             "  scrape_interval: 1s\n"
                                             "  evaluation_interval: 1s\n"
                                             "scrape_configs:\n"
                                             "  - job_name: vibework\n"
                                             "    static_configs:\n"
                                             "      - targets: ['127.0.0.1:"
                                          << target_port << "']\n";
    process = std::make_unique<ChildProcess>(
        prometheus_binary,
        std::vector<std::string>{"--config.file=" + (dir / "prometheus.yml").string(),
                                 "--storage.tsdb.path=" + (dir / "data").string(),
                                 "--web.listen-address=127.0.0.1:" + std::to_string(port)},
        Env{});
  }
  ~Prometheus() {
    process.reset();  // killed
    std::filesystem::remove_all(dir);
  }

  // The instant-query result's value as a number, when the query has exactly one series.
  std::optional<double> query(const std::string& promql, std::string* raw = nullptr) {
    HttpResult r;
    try {
      r = TestClient(port).request(verb::get, "/api/v1/query?query=" + url_encode(promql));
    } catch (const std::exception&) {
      return std::nullopt;  // not listening yet
    }
    if (raw) *raw = r.body;
    if (r.status != 200) return std::nullopt;
    const auto body = boost::json::parse(r.body);
    const auto& result = body.at("data").at("result").as_array();
    if (result.size() != 1) return std::nullopt;
    return std::stod(std::string(result[0].at("value").as_array()[1].as_string()));
  }

  // Polls `promql` until its value satisfies `ok`, bounded.
  ::testing::AssertionResult eventually_holds(const std::string& promql, const std::function<bool(double)>& ok,
                                              std::chrono::milliseconds limit = 60s) {
    std::string last;
    if (eventually([&] {
          const auto v = query(promql, &last);
          return v && ok(*v);
        }, limit, 250ms)) {
      return ::testing::AssertionSuccess();
    }
    return ::testing::AssertionFailure() << promql << ": last answer " << last << "\nprometheus:\n" << process->output();
  }
};

TEST_F(MetricsE2E, PrometheusScrapesTheServiceAndAnswersQueries) {
  ASSERT_EQ(access(prometheus_binary, X_OK), 0) << "no " << prometheus_binary << ": run scripts/bootstrap (it installs prometheus)";
  const auto metrics_port = free_port();
  Server server(metrics_env(metrics_port));
  ASSERT_TRUE(wait_ready(server));
  Prometheus prometheus(metrics_port);

  // Prometheus sees the target up, then the traffic it generates.
  ASSERT_TRUE(prometheus.eventually_holds(R"(up{job="vibework"})", [](double v) { return v == 1; }))
      << server.process->output();
  generate_traffic(server.port, "prometheus");

  EXPECT_TRUE(prometheus.eventually_holds(
      R"(sum(http_requests_total{route="/api/notifications",method="POST",status="2xx"}))", [](double v) { return v >= 1; }));
  EXPECT_TRUE(prometheus.eventually_holds(R"(sum(mysql_pool_connections{job="vibework"}))", [](double v) { return v >= 1; }));
  EXPECT_TRUE(prometheus.eventually_holds(R"(mysql_pool_size{job="vibework"})", [](double v) { return v == 10; }));
  EXPECT_TRUE(prometheus.eventually_holds(R"(sum(pubsub_published_messages_total{job="vibework"}))",
                                          [](double v) { return v >= 1; }));
  EXPECT_TRUE(prometheus.eventually_holds(R"(vibework_build_info{job="vibework"})", [](double v) { return v == 1; }));
}

}  // namespace
