#include "vibework/infra/metrics/registry.hpp"

#include <algorithm>
#include <cmath>
#include <optional>
#include <stdexcept>
#include <shared_mutex>
#include <type_traits>
#include <unordered_map>
#include <utility>

#include <fmt/format.h>

#include "vibework/infra/metrics/state.hpp"
#include "vibework/infra/metrics/text_format.hpp"

namespace vibework::infra::metrics {

using detail::Child;
using detail::Kind;

bool valid_metric_name(std::string_view name) noexcept {
  if (name.empty()) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
    if (!letter && !(i > 0 && c >= '0' && c <= '9')) return false;
  }
  return true;
}

bool valid_label_name(std::string_view name) noexcept {
  if (name.empty() || name.starts_with("__")) return false;  // __ is reserved for Prometheus
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    if (!letter && !(i > 0 && c >= '0' && c <= '9')) return false;
  }
  return true;
}

static_assert(static_cast<int>(Kind::counter) == static_cast<int>(Type::counter) &&
              static_cast<int>(Kind::gauge) == static_cast<int>(Type::gauge) &&
              static_cast<int>(Kind::histogram) == static_cast<int>(Type::histogram));

namespace {

const char* kind_name(Kind k) {
  switch (k) {
    case Kind::counter: return "counter";
    case Kind::gauge: return "gauge";
    case Kind::histogram: return "histogram";
  }
  return "untyped";
}

[[noreturn]] void fail(std::string_view name, const std::string& why) {
  throw std::invalid_argument(fmt::format("metrics: '{}': {}", name, why));
}

void check_definition(std::string_view name, Kind kind, const std::vector<std::string>& labels,
                      const std::vector<double>& bounds) {
  if (!valid_metric_name(name)) fail(name, "a metric name is [a-zA-Z_:][a-zA-Z0-9_:]*");
  if (kind == Kind::counter && !name.ends_with("_total")) fail(name, "a counter's name ends in _total");
  for (std::size_t i = 0; i < labels.size(); ++i) {
    if (!valid_label_name(labels[i])) {
      fail(name, fmt::format("label '{}': a label name is [a-zA-Z_][a-zA-Z0-9_]* and does not start with __", labels[i]));
    }
    if (kind == Kind::histogram && labels[i] == "le") fail(name, "'le' is the histogram's own label");
    if (std::find(labels.begin(), labels.begin() + static_cast<std::ptrdiff_t>(i), labels[i]) !=
        labels.begin() + static_cast<std::ptrdiff_t>(i)) {
      fail(name, fmt::format("label '{}' appears twice", labels[i]));
    }
  }
  if (kind == Kind::histogram) {
    if (bounds.empty()) fail(name, "a histogram needs at least one bucket bound");
    for (std::size_t i = 0; i < bounds.size(); ++i) {
      if (!std::isfinite(bounds[i])) fail(name, "bucket bounds are finite (+Inf is implied)");
      if (i > 0 && bounds[i] <= bounds[i - 1]) fail(name, "bucket bounds must increase");
    }
  }
}

// Under the lock: the family `name`, created if new; an existing one must match.
detail::Family& family_for(detail::State& state, std::string_view name, std::string_view help, Kind kind,
                           bool callback, std::vector<std::string> labels, std::vector<double> bounds) {
  check_definition(name, kind, labels, bounds);
  if (auto it = state.families.find(name); it != state.families.end()) {
    auto& f = *it->second;
    if (f.kind != kind || f.callback != callback || f.label_names != labels || f.bounds != bounds || f.help != help) {
      fail(name, fmt::format("already registered as another {}{} (type, help, labels and buckets must match)",
                             f.callback ? "callback " : "", kind_name(f.kind)));
    }
    return f;
  }
  auto f = std::make_unique<detail::Family>();
  f->state = &state;
  f->kind = kind;
  f->callback = callback;
  f->name = std::string(name);
  f->help = std::string(help);
  f->label_names = std::move(labels);
  f->bounds = std::move(bounds);
  auto& ref = *f;
  state.families.emplace(ref.name, std::move(f));
  return ref;
}

void append_labels(std::string& out, const std::vector<std::string>& names, const std::vector<std::string>& values,
                   std::string_view le = {}) {
  if (names.empty() && le.empty()) return;
  out += '{';
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += ',';
    out += names[i];
    out += "=\"";
    detail::append_label_value(out, values[i]);
    out += '"';
  }
  if (!le.empty()) {
    if (!names.empty()) out += ',';
    out += "le=\"";
    out += le;
    out += '"';
  }
  out += '}';
}

void append_sample(std::string& out, std::string_view name, std::string_view suffix,
                   const std::vector<std::string>& names, const std::vector<std::string>& values, double value,
                   std::string_view le = {}) {
  out += name;
  out += suffix;
  append_labels(out, names, values, le);
  out += ' ';
  detail::append_number(out, value);
  out += '\n';
}

// The callbacks' values, read without the registry's lock (state.hpp). The caller holds
// state.callbacks shared: no child read here is erased before the caller is done with it.
using CallbackValues = std::unordered_map<const Child*, double>;
CallbackValues read_callbacks(const detail::State& state,
                              const std::function<bool(std::string_view name)>& select = {}) {
  std::vector<const Child*> children;
  {
    std::lock_guard lock(state.mutex);
    for (const auto& [name, family] : state.families) {
      if (!family->callback || (select && !select(name))) continue;
      for (const auto& [values, child] : family->children) children.push_back(&child);
    }
  }
  CallbackValues out;
  out.reserve(children.size());
  for (const auto* child : children) out.emplace(child, child->callback());
  return out;
}

// A callback registered after read_callbacks is left for the next scrape.
std::optional<double> value_of(const CallbackValues& values, const Child& child) {
  const auto it = values.find(&child);
  if (it == values.end()) return std::nullopt;
  return it->second;
}

void append_family(std::string& out, const detail::Family& f, const CallbackValues& callback_values) {
  if (f.children.empty()) return;
  out += "# HELP ";
  out += f.name;
  out += ' ';
  detail::append_help(out, f.help);
  out += "\n# TYPE ";
  out += f.name;
  out += ' ';
  out += kind_name(f.kind);
  out += '\n';
  for (const auto& [values, child] : f.children) {
    if (f.callback) {
      if (const auto v = value_of(callback_values, child)) append_sample(out, f.name, "", f.label_names, values, *v);
    } else if (f.kind == Kind::counter) {
      append_sample(out, f.name, "", f.label_names, values, child.counter->read());
    } else if (f.kind == Kind::gauge) {
      append_sample(out, f.name, "", f.label_names, values, child.gauge->read());
    } else {
      const auto counts = child.histogram->cumulative();
      std::string le;
      for (std::size_t i = 0; i < f.bounds.size(); ++i) {
        le.clear();
        detail::append_number(le, f.bounds[i]);
        append_sample(out, f.name, "_bucket", f.label_names, values, static_cast<double>(counts[i]), le);
      }
      append_sample(out, f.name, "_bucket", f.label_names, values, static_cast<double>(counts.back()), "+Inf");
      append_sample(out, f.name, "_sum", f.label_names, values, child.histogram->sum());
      append_sample(out, f.name, "_count", f.label_names, values, static_cast<double>(counts.back()));
    }
  }
}

template <typename Metric>
Metric handle_of(Child& child) {
  if constexpr (std::is_same_v<Metric, Counter>) return Counter(child.counter.get());
  else if constexpr (std::is_same_v<Metric, Gauge>) return Gauge(child.gauge.get());
  else return Histogram(child.histogram.get());
}

}  // namespace

namespace detail {
Child& Family::child(std::vector<std::string> values) {
  if (values.size() != label_names.size()) {
    fail(name, fmt::format("{} label value(s) given for {} label name(s)", values.size(), label_names.size()));
  }
  auto [it, inserted] = children.try_emplace(std::move(values));
  if (inserted && !callback) {
    switch (kind) {
      case Kind::counter: it->second.counter = std::make_unique<CounterCell>(); break;
      case Kind::gauge: it->second.gauge = std::make_unique<GaugeCell>(); break;
      case Kind::histogram: it->second.histogram = std::make_unique<HistogramCell>(bounds); break;
    }
  }
  return it->second;
}
}  // namespace detail

template <typename Metric>
Metric Family<Metric>::labels(std::initializer_list<std::string_view> values) const {
  return labels(std::vector<std::string>(values.begin(), values.end()));
}

template <typename Metric>
Metric Family<Metric>::labels(const std::vector<std::string>& values) const {
  if (!family_) return Metric();
  std::lock_guard lock(family_->state->mutex);
  return handle_of<Metric>(family_->child(values));
}

template class Family<Counter>;
template class Family<Gauge>;
template class Family<Histogram>;

Registration& Registration::operator=(Registration&& other) noexcept {
  if (this != &other) {
    reset();
    state_ = std::move(other.state_);
    id_ = std::exchange(other.id_, 0);
  }
  return *this;
}

Registration::~Registration() { reset(); }

void Registration::reset() noexcept {
  auto state = state_.lock();
  state_.reset();
  if (!state || id_ == 0) return;
  std::unique_lock running(state->callbacks);  // waits for a scrape that is running the callback
  std::lock_guard lock(state->mutex);
  for (auto it = state->families.begin(); it != state->families.end(); ++it) {
    auto& children = it->second->children;
    const auto child = std::find_if(children.begin(), children.end(), [&](const auto& c) { return c.second.id == id_; });
    if (child == children.end()) continue;
    children.erase(child);
    if (children.empty()) state->families.erase(it);
    break;
  }
  id_ = 0;
}

namespace buckets {
std::vector<double> latency_seconds() {
  return {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}
std::vector<double> sizes() { return {1, 2, 5, 10, 20, 50, 100, 200, 500, 1000}; }
}  // namespace buckets

Registry::Registry() : state_(std::make_shared<detail::State>()) {}
Registry::~Registry() = default;

Counter Registry::counter(std::string_view name, std::string_view help) {
  std::lock_guard lock(state_->mutex);
  return Counter(family_for(*state_, name, help, Kind::counter, false, {}, {}).child({}).counter.get());
}

Gauge Registry::gauge(std::string_view name, std::string_view help) {
  std::lock_guard lock(state_->mutex);
  return Gauge(family_for(*state_, name, help, Kind::gauge, false, {}, {}).child({}).gauge.get());
}

Histogram Registry::histogram(std::string_view name, std::string_view help, std::vector<double> bucket_bounds) {
  std::lock_guard lock(state_->mutex);
  auto& f = family_for(*state_, name, help, Kind::histogram, false, {}, std::move(bucket_bounds));
  return Histogram(f.child({}).histogram.get());
}

CounterFamily Registry::counter_family(std::string_view name, std::string_view help,
                                       std::vector<std::string> label_names) {
  std::lock_guard lock(state_->mutex);
  return CounterFamily(&family_for(*state_, name, help, Kind::counter, false, std::move(label_names), {}));
}

GaugeFamily Registry::gauge_family(std::string_view name, std::string_view help, std::vector<std::string> label_names) {
  std::lock_guard lock(state_->mutex);
  return GaugeFamily(&family_for(*state_, name, help, Kind::gauge, false, std::move(label_names), {}));
}

HistogramFamily Registry::histogram_family(std::string_view name, std::string_view help,
                                           std::vector<std::string> label_names, std::vector<double> bucket_bounds) {
  std::lock_guard lock(state_->mutex);
  return HistogramFamily(
      &family_for(*state_, name, help, Kind::histogram, false, std::move(label_names), std::move(bucket_bounds)));
}

namespace {
Registration add_callback(const std::shared_ptr<detail::State>& state, std::string_view name, std::string_view help,
                          Kind kind, std::vector<std::string> label_names, std::vector<std::string> label_values,
                          std::function<double()> fn) {
  if (!fn) fail(name, "the callback is empty");
  std::lock_guard lock(state->mutex);
  auto& f = family_for(*state, name, help, kind, true, std::move(label_names), {});
  if (label_values.size() != f.label_names.size()) {
    fail(name, fmt::format("{} label value(s) given for {} label name(s)", label_values.size(), f.label_names.size()));
  }
  if (f.children.contains(label_values)) fail(name, "a callback with these label values is already registered");
  auto& child = f.child(std::move(label_values));
  child.callback = std::move(fn);
  child.id = state->next_id++;
  return Registration(state, child.id);
}
}  // namespace

Registration Registry::gauge_callback(std::string_view name, std::string_view help, std::function<double()> fn) {
  return add_callback(state_, name, help, Kind::gauge, {}, {}, std::move(fn));
}

Registration Registry::gauge_callback(std::string_view name, std::string_view help, std::vector<std::string> label_names,
                                      std::vector<std::string> label_values, std::function<double()> fn) {
  return add_callback(state_, name, help, Kind::gauge, std::move(label_names), std::move(label_values), std::move(fn));
}

Registration Registry::counter_callback(std::string_view name, std::string_view help, std::function<double()> fn) {
  return add_callback(state_, name, help, Kind::counter, {}, {}, std::move(fn));
}

Registration Registry::counter_callback(std::string_view name, std::string_view help,
                                        std::vector<std::string> label_names, std::vector<std::string> label_values,
                                        std::function<double()> fn) {
  return add_callback(state_, name, help, Kind::counter, std::move(label_names), std::move(label_values), std::move(fn));
}

std::string Registry::expose() const {
  std::string out;
  std::shared_lock callbacks(state_->callbacks);
  const auto callback_values = read_callbacks(*state_);
  std::lock_guard lock(state_->mutex);
  for (const auto& [name, family] : state_->families) append_family(out, *family, callback_values);
  return out;
}

std::vector<FamilySnapshot> Registry::snapshot(const std::function<bool(std::string_view name)>& select) const {
  std::vector<FamilySnapshot> out;
  std::shared_lock callbacks(state_->callbacks);
  const auto callback_values = read_callbacks(*state_, select);
  std::lock_guard lock(state_->mutex);
  for (const auto& [name, family] : state_->families) {
    const auto& f = *family;
    if (f.children.empty() || (select && !select(name))) continue;
    FamilySnapshot snap{f.name, f.help, static_cast<Type>(f.kind), {}};
    for (const auto& [values, child] : f.children) {
      Sample sample;
      for (std::size_t i = 0; i < f.label_names.size(); ++i) sample.labels.emplace_back(f.label_names[i], values[i]);
      if (f.callback) {
        const auto v = value_of(callback_values, child);
        if (!v) continue;
        sample.value = *v;
      } else if (f.kind == Kind::counter) sample.value = child.counter->read();
      else if (f.kind == Kind::gauge) sample.value = child.gauge->read();
      else sample.value = static_cast<double>(child.histogram->cumulative().back());
      snap.samples.push_back(std::move(sample));
    }
    out.push_back(std::move(snap));
  }
  return out;
}

}  // namespace vibework::infra::metrics
