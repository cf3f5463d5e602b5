#pragma once
// Metrics in the Prometheus text exposition format (0.0.4): counters, gauges, histograms, their
// labelled families, and gauges/counters read by a callback at scrape time.
//
//   metrics::Registry registry;
//   auto requests = registry.counter("jobs_done_total", "Jobs finished.");
//   auto latency = registry.histogram_family("job_duration_seconds", "Time per job.", {"kind"},
//                                            metrics::buckets::latency_seconds());
//   auto email = latency.labels({"email"});   // resolve once, keep the handle
//   requests.inc();  email.observe(0.012);
//   auto reg = registry.gauge_callback("queue_depth", "Items waiting.", [&] { return double(q.size()); });
//   std::string text = registry.expose();      // GET /metrics
//
// Recording is lock-free: a counter or histogram is split into per-thread shards of relaxed
// atomics (summed at scrape time), so I/O threads never share a lock or a cache line to record.
// Creating a metric or resolving labels() takes the registry's lock: do it at construction, or
// cache the handle per thread. A default-constructed handle records nothing (metrics off).
// Handles point into the registry: it must outlive every metric handle taken from it.
// Names are checked when registered (std::invalid_argument naming the rule).
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace vibework::infra::metrics {

namespace detail {
struct CounterCell;
struct GaugeCell;
struct HistogramCell;
struct Family;
struct State;
}  // namespace detail

class Counter {
 public:
  Counter() = default;
  explicit Counter(detail::CounterCell* cell) noexcept : cell_(cell) {}
  void inc(double by = 1.0) const noexcept;  // by >= 0
  double value() const noexcept;
  explicit operator bool() const noexcept { return cell_ != nullptr; }

 private:
  detail::CounterCell* cell_ = nullptr;
};

class Gauge {
 public:
  Gauge() = default;
  explicit Gauge(detail::GaugeCell* cell) noexcept : cell_(cell) {}
  void set(double v) const noexcept;
  void add(double by) const noexcept;
  void inc() const noexcept { add(1.0); }
  void dec() const noexcept { add(-1.0); }
  double value() const noexcept;
  explicit operator bool() const noexcept { return cell_ != nullptr; }

 private:
  detail::GaugeCell* cell_ = nullptr;
};

class Histogram {
 public:
  Histogram() = default;
  explicit Histogram(detail::HistogramCell* cell) noexcept : cell_(cell) {}
  void observe(double v) const noexcept;
  // Seconds since `since` (a steady_clock time in its native ticks, see now_ticks()).
  void observe_since(long long since_ticks) const noexcept;
  std::uint64_t count() const noexcept;
  double sum() const noexcept;
  explicit operator bool() const noexcept { return cell_ != nullptr; }

 private:
  detail::HistogramCell* cell_ = nullptr;
};

// steady_clock::now() in ticks, for Histogram::observe_since without <chrono> in this header.
long long now_ticks() noexcept;

// A labelled family: labels({...}) gives the child for those values (created on first use).
template <typename Metric>
class Family {
 public:
  Family() = default;
  explicit Family(detail::Family* family) noexcept : family_(family) {}
  // As many values as the family has label names. Takes the registry's lock.
  Metric labels(std::initializer_list<std::string_view> values) const;
  Metric labels(const std::vector<std::string>& values) const;
  explicit operator bool() const noexcept { return family_ != nullptr; }

 private:
  detail::Family* family_ = nullptr;
};
using CounterFamily = Family<Counter>;
using GaugeFamily = Family<Gauge>;
using HistogramFamily = Family<Histogram>;

// What snapshot() reads: one family's current values (label values in label-name order).
enum class Type { counter, gauge, histogram };
struct Sample {
  std::vector<std::pair<std::string, std::string>> labels;  // name, value
  double value = 0;  // a histogram's: its count
};
struct FamilySnapshot {
  std::string name;
  std::string help;
  Type type = Type::counter;
  std::vector<Sample> samples;
};

// Keeps a callback metric registered; unregisters it when destroyed (the registry may go first).
class Registration {
 public:
  Registration() = default;
  Registration(std::weak_ptr<detail::State> state, std::uint64_t id) noexcept : state_(std::move(state)), id_(id) {}
  Registration(Registration&&) noexcept = default;
  Registration& operator=(Registration&& other) noexcept;
  Registration(const Registration&) = delete;
  Registration& operator=(const Registration&) = delete;
  ~Registration();
  void reset() noexcept;

 private:
  std::weak_ptr<detail::State> state_;
  std::uint64_t id_ = 0;
};

namespace buckets {
// 0.5 ms .. 10 s: request, query and command latencies.
std::vector<double> latency_seconds();
// 1 .. 1000: batch and queue sizes.
std::vector<double> sizes();
}  // namespace buckets

class Registry {
 public:
  Registry();
  ~Registry();
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  // Asking again for the same name with the same type, help and labels returns the same metric
  // (two components may share one); anything else under that name throws.
  Counter counter(std::string_view name, std::string_view help);  // name ends in _total
  Gauge gauge(std::string_view name, std::string_view help);
  Histogram histogram(std::string_view name, std::string_view help, std::vector<double> bucket_bounds);
  CounterFamily counter_family(std::string_view name, std::string_view help, std::vector<std::string> label_names);
  GaugeFamily gauge_family(std::string_view name, std::string_view help, std::vector<std::string> label_names);
  HistogramFamily histogram_family(std::string_view name, std::string_view help, std::vector<std::string> label_names,
                                   std::vector<double> bucket_bounds);

  // Read at every scrape, under the registry's lock: `fn` must be quick and must not call back
  // into the registry. Several registrations may share a name (same help and label names), each
  // with its own label values; the same label values twice throws.
  [[nodiscard]] Registration gauge_callback(std::string_view name, std::string_view help, std::function<double()> fn);
  [[nodiscard]] Registration gauge_callback(std::string_view name, std::string_view help,
                                            std::vector<std::string> label_names, std::vector<std::string> label_values,
                                            std::function<double()> fn);
  [[nodiscard]] Registration counter_callback(std::string_view name, std::string_view help, std::function<double()> fn);
  [[nodiscard]] Registration counter_callback(std::string_view name, std::string_view help,
                                              std::vector<std::string> label_names,
                                              std::vector<std::string> label_values, std::function<double()> fn);

  // The text exposition format, families sorted by name.
  std::string expose() const;

  // Current values of the families `select` accepts (all when empty), sorted by name, for
  // readers other than Prometheus (/status). Takes the registry's lock, as a scrape does;
  // `select` must not call back into the registry.
  std::vector<FamilySnapshot> snapshot(const std::function<bool(std::string_view name)>& select = {}) const;

 private:
  std::shared_ptr<detail::State> state_;
};

// The content type of expose()'s text.
inline constexpr std::string_view content_type = "text/plain; version=0.0.4; charset=utf-8";

// The format's name rules, for callers that build names.
bool valid_metric_name(std::string_view name) noexcept;
bool valid_label_name(std::string_view name) noexcept;

}  // namespace vibework::infra::metrics
