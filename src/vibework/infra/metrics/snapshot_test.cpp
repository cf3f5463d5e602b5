// Registry::snapshot: the current values /status shows, without parsing the exposition.
#include <gtest/gtest.h>

#include "vibework/infra/metrics/registry.hpp"

namespace vibework::infra::metrics {
namespace {

TEST(MetricsSnapshot, ReadsCurrentValuesOfSelectedFamiliesSortedByName) {
  Registry r;
  auto waiters = r.gauge("pool_waiters", "Waiting.");
  auto by_state = r.gauge_family("pool_connections", "Connections.", {"state"});
  auto done = r.counter("jobs_done_total", "Done.");
  auto latency = r.histogram("job_seconds", "Latency.", {0.1, 1});
  int backlog = 3;
  auto reg = r.gauge_callback("queue_backlog", "Backlog.", [&] { return double(backlog); });
  waiters.set(2);
  by_state.labels({"idle"}).set(4);
  by_state.labels({"in_use"}).set(1);
  done.inc(5);
  latency.observe(0.5);
  latency.observe(2);

  const auto all = r.snapshot();
  ASSERT_EQ(all.size(), 5u);
  EXPECT_EQ(all[0].name, "job_seconds");
  EXPECT_EQ(all[0].type, Type::histogram);
  EXPECT_EQ(all[0].samples.at(0).value, 2) << "a histogram's count";
  EXPECT_EQ(all[1].name, "jobs_done_total");
  EXPECT_EQ(all[1].samples.at(0).value, 5);
  EXPECT_EQ(all[2].name, "pool_connections");
  EXPECT_EQ(all[2].help, "Connections.");
  ASSERT_EQ(all[2].samples.size(), 2u);
  EXPECT_EQ(all[2].samples[0].labels, (std::vector<std::pair<std::string, std::string>>{{"state", "idle"}}));
  EXPECT_EQ(all[2].samples[0].value, 4);
  EXPECT_EQ(all[2].samples[1].value, 1);

  backlog = 9;  // callbacks are read at snapshot time
  const auto queues = r.snapshot([](std::string_view name) { return name.find("backlog") != std::string_view::npos; });
  ASSERT_EQ(queues.size(), 1u);
  EXPECT_EQ(queues[0].type, Type::gauge);
  EXPECT_EQ(queues[0].samples.at(0).value, 9);
}

TEST(MetricsSnapshot, LeavesOutFamiliesWithoutChildren) {
  Registry r;
  r.gauge_family("nothing_yet", "No labels resolved.", {"kind"});
  EXPECT_TRUE(r.snapshot().empty());
}

}  // namespace
}  // namespace vibework::infra::metrics
