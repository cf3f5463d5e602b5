// Database::attach_metrics: the MongoDB connector's metrics. The operation label is the first
// word of the operation's description, from a fixed list (never a collection or a filter).
#include "vibework/mongodb/detail/metrics.hpp"

namespace vibework::mongodb {

using detail::operations;

std::size_t Database::operation_index(std::string_view what) noexcept {
  const auto end = what.find_first_of(" (");
  const auto word = what.substr(0, end);
  for (std::size_t i = 0; i + 1 < operations.size(); ++i) {
    if (word == operations[i]) return i;
  }
  return operations.size() - 1;
}

void Database::record_operation(std::size_t operation, long long started, bool failed) const noexcept {
  metrics_->duration[operation].observe_since(started);
  if (failed) metrics_->errors[operation].inc();
}

void Database::attach_metrics(infra::metrics::Registry& r) {
  auto m = std::make_unique<Metrics>();
  auto duration = r.histogram_family("mongodb_operation_duration_seconds",
                                     "MongoDB operation time (waiting for a pool slot included), by operation.",
                                     {"operation"}, infra::metrics::buckets::latency_seconds());
  auto errors = r.counter_family("mongodb_operation_errors_total", "MongoDB operations that failed, by operation.",
                                 {"operation"});
  for (std::size_t i = 0; i < operations.size(); ++i) {
    m->duration[i] = duration.labels({operations[i]});
    m->errors[i] = errors.labels({operations[i]});
  }
  const std::string slots = "MongoDB pool slots (MONGODB_POOL_SIZE) by state.";
  m->gauges.push_back(r.gauge_callback("mongodb_pool_slots", slots, {"state"}, {"in_use"},
                                       [this] { return static_cast<double>(limiter_.in_use()); }));
  m->gauges.push_back(r.gauge_callback("mongodb_pool_slots", slots, {"state"}, {"free"}, [this] {
    return static_cast<double>(limiter_.capacity() - limiter_.in_use());
  }));
  m->gauges.push_back(r.gauge_callback("mongodb_pool_waiters", "MongoDB operations queued for a pool slot.",
                                       [this] { return static_cast<double>(limiter_.waiting()); }));
  metrics_ = std::move(m);
}

}  // namespace vibework::mongodb
