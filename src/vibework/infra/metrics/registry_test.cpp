#include "vibework/infra/metrics/registry.hpp"

#include <atomic>
#include <future>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "vibework/infra/metrics/process_metrics.hpp"

namespace vibework::infra::metrics {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using namespace std::chrono_literals;

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

// The publisher's pattern: a callback takes its component's lock, and the component, holding
// that lock, creates a labelled child. A scrape must not hold the registry's lock while it runs
// the callback, or the two wait for each other forever (found by an e2e run under ASan).
TEST(MetricsRegistry, ACallbackMayWaitForAComponentThatIsCreatingAChild) {
  Registry registry;
  std::mutex component;
  std::promise<void> entered;
  auto family = registry.counter_family("published_total", "Published.", {"topic"});
  auto reg = registry.gauge_callback("outstanding", "Outstanding.", [&] {
    entered.set_value();
    std::lock_guard lock(component);
    return 1.0;
  });
  std::unique_lock held(component);
  auto scrape = std::async(std::launch::async, [&] { return registry.expose(); });
  ASSERT_EQ(entered.get_future().wait_for(30s), std::future_status::ready) << "the scrape runs the callback";
  // Held by this thread while the scrape waits for it: creating a child must not wait for the scrape.
  auto child = std::async(std::launch::async, [&] { family.labels({"events"}).inc(); });
  const bool created = child.wait_for(30s) == std::future_status::ready;
  held.unlock();  // either way, so both threads finish
  EXPECT_TRUE(created) << "deadlock: the scrape holds the registry's lock while it runs callbacks";
  child.get();
  EXPECT_THAT(scrape.get(), HasSubstr("outstanding 1\n"));
}

TEST(MetricsRegistry, UnregisteringWaitsForAScrapeThatIsRunningTheCallback) {
  Registry registry;
  std::promise<void> entered;
  std::promise<void> release;
  auto release_future = release.get_future();
  std::atomic<bool> unregistered{false};
  auto reg = registry.gauge_callback("slow", "Slow.", [&] {
    entered.set_value();
    release_future.wait();
    EXPECT_FALSE(unregistered.load()) << "ran after its Registration was reset";
    return 2.0;
  });
  auto scrape = std::async(std::launch::async, [&] { return registry.expose(); });
  ASSERT_EQ(entered.get_future().wait_for(30s), std::future_status::ready);
  auto reset = std::async(std::launch::async, [&] {
    reg.reset();
    unregistered = true;
  });
  EXPECT_EQ(reset.wait_for(50ms), std::future_status::timeout) << "reset waits for the running callback";
  release.set_value();
  reset.get();
  EXPECT_THAT(scrape.get(), HasSubstr("slow 2\n"));
  EXPECT_THAT(registry.expose(), Not(HasSubstr("slow")));
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
