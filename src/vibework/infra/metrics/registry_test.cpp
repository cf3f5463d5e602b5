#include "vibework/infra/metrics/registry.hpp"

#include <stdexcept>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "vibework/infra/metrics/process_metrics.hpp"

namespace vibework::infra::metrics {
namespace {

using ::testing::HasSubstr;

TEST(MetricsRegistry, CounterAndGaugeExposition) {
  Registry r;
  auto jobs = r.counter("jobs_done_total", "Jobs finished.");
  auto depth = r.gauge("queue_depth", "Items waiting.");
  jobs.inc();
  jobs.inc(2);
  depth.set(7);
  depth.dec();
  EXPECT_EQ(r.expose(),
            "# HELP jobs_done_total Jobs finished.\n"
            "# TYPE jobs_done_total counter\n"
            "jobs_done_total 3\n"
            "# HELP queue_depth Items waiting.\n"
            "# TYPE queue_depth gauge\n"
            "queue_depth 6\n");
}

TEST(MetricsRegistry, HistogramBucketsAreCumulativeWithInfSumAndCount) {
  Registry r;
  auto h = r.histogram_family("op_duration_seconds", "Time per op.", {"kind"}, {0.1, 1});
  auto read = h.labels({"read"});
  read.observe(0.05);
  read.observe(0.1);  // le is inclusive
  read.observe(0.5);
  read.observe(3);
  EXPECT_EQ(r.expose(),
            "# HELP op_duration_seconds Time per op.\n"
            "# TYPE op_duration_seconds histogram\n"
            "op_duration_seconds_bucket{kind=\"read\",le=\"0.1\"} 2\n"
            "op_duration_seconds_bucket{kind=\"read\",le=\"1\"} 3\n"
            "op_duration_seconds_bucket{kind=\"read\",le=\"+Inf\"} 4\n"
            "op_duration_seconds_sum{kind=\"read\"} 3.65\n"
            "op_duration_seconds_count{kind=\"read\"} 4\n");
  EXPECT_EQ(read.count(), 4u);
}

TEST(MetricsRegistry, LabelValuesAreEscapedAndChildrenSorted) {
  Registry r;
  auto f = r.counter_family("errors_total", "Errors.", {"reason"});
  f.labels({"z"}).inc();
  f.labels({"a \"b\"\\\n"}).inc();
  const auto text = r.expose();
  EXPECT_THAT(text, HasSubstr("errors_total{reason=\"a \\\"b\\\"\\\\\\n\"} 1\nerrors_total{reason=\"z\"} 1\n"));
}

TEST(MetricsRegistry, SameDefinitionReturnsTheSameMetric) {
  Registry r;
  r.counter("shared_total", "Shared.").inc();
  r.counter("shared_total", "Shared.").inc();
  EXPECT_EQ(r.counter("shared_total", "Shared.").value(), 2);
  EXPECT_THROW(r.gauge("shared_total", "Shared."), std::invalid_argument);
  EXPECT_THROW(r.counter("shared_total", "Other help."), std::invalid_argument);
}

TEST(MetricsRegistry, NameRulesAreCheckedAtRegistration) {
  Registry r;
  EXPECT_THROW(r.gauge("9lives", "x"), std::invalid_argument);
  EXPECT_THROW(r.gauge("has-dash", "x"), std::invalid_argument);
  EXPECT_THROW(r.gauge("", "x"), std::invalid_argument);
  EXPECT_NO_THROW(r.gauge("ns:sub_name_2", "x"));
  try {
    r.counter("requests", "x");
    FAIL() << "a counter without _total was accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_THAT(e.what(), HasSubstr("_total"));
    EXPECT_THAT(e.what(), HasSubstr("'requests'"));
  }
  EXPECT_THROW(r.gauge_family("g1", "x", {"__reserved"}), std::invalid_argument);
  EXPECT_THROW(r.gauge_family("g2", "x", {"bad-label"}), std::invalid_argument);
  EXPECT_THROW(r.gauge_family("g3", "x", {"a", "a"}), std::invalid_argument);
  EXPECT_THROW(r.histogram_family("h1_seconds", "x", {"le"}, {1}), std::invalid_argument);
  EXPECT_THROW(r.histogram("h2_seconds", "x", {}), std::invalid_argument);
  EXPECT_THROW(r.histogram("h3_seconds", "x", {1, 1}), std::invalid_argument);
  EXPECT_THROW(r.gauge_family("g4", "x", {"a"}).labels({"1", "2"}), std::invalid_argument);
  EXPECT_TRUE(valid_metric_name("a:b_c"));
  EXPECT_FALSE(valid_label_name("a:b"));
}

TEST(MetricsRegistry, CallbacksAreReadAtScrapeAndUnregisteredByTheirRegistration) {
  Registry r;
  double v = 1;
  {
    auto idle = r.gauge_callback("pool_connections", "Connections.", {"state"}, {"idle"}, [&] { return v; });
    auto busy = r.gauge_callback("pool_connections", "Connections.", {"state"}, {"busy"}, [] { return 4.0; });
    EXPECT_THROW((void)r.gauge_callback("pool_connections", "Connections.", {"state"}, {"idle"}, [] { return 0.0; }),
                 std::invalid_argument);
    v = 2;
    EXPECT_THAT(r.expose(), HasSubstr("pool_connections{state=\"busy\"} 4\npool_connections{state=\"idle\"} 2\n"));
    busy.reset();
    EXPECT_THAT(r.expose(), ::testing::Not(HasSubstr("busy")));
  }
  EXPECT_EQ(r.expose(), "");
}

TEST(MetricsRegistry, RegistrationMayOutliveTheRegistry) {
  Registration reg;
  {
    Registry r;
    reg = r.gauge_callback("short_lived", "x", [] { return 1.0; });
  }
  reg.reset();  // no crash: the registry is gone
}

TEST(MetricsRegistry, DefaultHandlesRecordNothing) {
  Counter c;
  Histogram h;
  Gauge g;
  HistogramFamily f;
  c.inc();
  h.observe(1);
  g.inc();
  f.labels({"x"}).observe(1);
  EXPECT_EQ(c.value(), 0);
  EXPECT_FALSE(f);
}

TEST(MetricsRegistry, ConcurrentRecordingLosesNothing) {
  Registry r;
  auto c = r.counter("hits_total", "Hits.");
  auto g = r.gauge("in_flight", "In flight.");
  auto h = r.histogram("lat_seconds", "Latency.", buckets::latency_seconds());
  constexpr int threads = 8, per_thread = 20000;
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&] {
      for (int i = 0; i < per_thread; ++i) {
        c.inc();
        g.inc();
        h.observe(0.001);
        g.dec();
      }
    });
  }
  for (auto& t : pool) t.join();
  EXPECT_EQ(c.value(), threads * per_thread);
  EXPECT_EQ(g.value(), 0);
  EXPECT_EQ(h.count(), static_cast<std::uint64_t>(threads * per_thread));
  EXPECT_NEAR(h.sum(), threads * per_thread * 0.001, 1e-6);
}

TEST(MetricsRegistry, ScrapingWhileRecordingIsSafe) {
  Registry r;
  auto f = r.counter_family("labelled_total", "x", {"n"});
  std::thread writer([&] {
    for (int i = 0; i < 2000; ++i) f.labels({std::to_string(i % 50)}).inc();
  });
  for (int i = 0; i < 50; ++i) (void)r.expose();
  writer.join();
  EXPECT_THAT(r.expose(), HasSubstr("labelled_total{n=\"49\"} 40\n"));
}

TEST(ProcessMetrics, ReportsTheProcessFromProc) {
  Registry r;
  ProcessMetrics process(r);
  const auto text = r.expose();
  for (const char* name : {"process_resident_memory_bytes ", "process_virtual_memory_bytes ", "process_cpu_seconds_total ",
                           "process_open_fds ", "process_max_fds ", "process_start_time_seconds "}) {
    EXPECT_THAT(text, HasSubstr(std::string("\n") + name)) << text;
  }
  EXPECT_THAT(text, HasSubstr("vibework_build_info{version=\""));
  EXPECT_THAT(text, ::testing::Not(HasSubstr("process_resident_memory_bytes 0\n")));
}

}  // namespace
}  // namespace vibework::infra::metrics
