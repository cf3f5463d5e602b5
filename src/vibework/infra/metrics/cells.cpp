#include "vibework/infra/metrics/cells.hpp"

#include <algorithm>
#include <bit>
#include <chrono>

#include "vibework/infra/metrics/registry.hpp"

namespace vibework::infra::metrics {

namespace detail {

std::size_t this_thread_shard() noexcept {
  static std::atomic<std::size_t> next{0};
  thread_local const std::size_t mine = next.fetch_add(1, std::memory_order_relaxed) % kShards;
  return mine;
}

void atomic_add(std::atomic<double>& target, double by) noexcept {
  double old = target.load(std::memory_order_relaxed);
  while (!target.compare_exchange_weak(old, old + by, std::memory_order_relaxed)) {
  }
}

namespace {
double sum_shards(const PaddedDouble (&shards)[kShards]) noexcept {
  double total = 0;
  for (const auto& s : shards) total += s.value.load(std::memory_order_relaxed);
  return total;
}
constexpr std::size_t slots_per_line = kCacheLine / sizeof(std::uint64_t);
}  // namespace

double CounterCell::read() const noexcept { return sum_shards(shards); }
double GaugeCell::read() const noexcept { return sum_shards(shards); }

HistogramCell::HistogramCell(std::vector<double> upper_bounds)
    : bounds(std::move(upper_bounds)),
      lines_per_shard((bounds.size() + 2 + slots_per_line - 1) / slots_per_line),
      lines(new Line[lines_per_shard * kShards]) {
  for (std::size_t i = 0; i < lines_per_shard * kShards; ++i) {
    for (auto& s : lines[i].slots) s.store(0, std::memory_order_relaxed);
  }
}

std::atomic<std::uint64_t>& HistogramCell::slot(std::size_t shard, std::size_t i) const noexcept {
  return lines[shard * lines_per_shard + i / slots_per_line].slots[i % slots_per_line];
}

void HistogramCell::observe(double v) noexcept {
  // The first bucket whose upper bound is >= v (le is inclusive); past the end is +Inf.
  const auto bucket = static_cast<std::size_t>(std::lower_bound(bounds.begin(), bounds.end(), v) - bounds.begin());
  const auto shard = this_thread_shard();
  slot(shard, bucket).fetch_add(1, std::memory_order_relaxed);
  auto& sum_bits = slot(shard, bounds.size() + 1);
  auto old = sum_bits.load(std::memory_order_relaxed);
  while (!sum_bits.compare_exchange_weak(old, std::bit_cast<std::uint64_t>(std::bit_cast<double>(old) + v),
                                         std::memory_order_relaxed)) {
  }
}

std::vector<std::uint64_t> HistogramCell::cumulative() const {
  std::vector<std::uint64_t> counts(bounds.size() + 1, 0);
  for (std::size_t shard = 0; shard < kShards; ++shard) {
    for (std::size_t i = 0; i < counts.size(); ++i) counts[i] += slot(shard, i).load(std::memory_order_relaxed);
  }
  for (std::size_t i = 1; i < counts.size(); ++i) counts[i] += counts[i - 1];
  return counts;
}

double HistogramCell::sum() const noexcept {
  double total = 0;
  for (std::size_t shard = 0; shard < kShards; ++shard) {
    total += std::bit_cast<double>(slot(shard, bounds.size() + 1).load(std::memory_order_relaxed));
  }
  return total;
}

}  // namespace detail

void Counter::inc(double by) const noexcept {
  if (cell_) detail::atomic_add(cell_->shards[detail::this_thread_shard()].value, by);
}
double Counter::value() const noexcept { return cell_ ? cell_->read() : 0.0; }

void Gauge::add(double by) const noexcept {
  if (cell_) detail::atomic_add(cell_->shards[detail::this_thread_shard()].value, by);
}
void Gauge::set(double v) const noexcept {
  if (!cell_) return;
  for (std::size_t i = 1; i < detail::kShards; ++i) cell_->shards[i].value.store(0.0, std::memory_order_relaxed);
  cell_->shards[0].value.store(v, std::memory_order_relaxed);
}
double Gauge::value() const noexcept { return cell_ ? cell_->read() : 0.0; }

void Histogram::observe(double v) const noexcept {
  if (cell_) cell_->observe(v);
}
void Histogram::observe_since(long long since_ticks) const noexcept {
  if (!cell_) return;
  const auto elapsed = std::chrono::steady_clock::duration(now_ticks() - since_ticks);
  cell_->observe(std::chrono::duration<double>(elapsed).count());
}
std::uint64_t Histogram::count() const noexcept { return cell_ ? cell_->cumulative().back() : 0; }
double Histogram::sum() const noexcept { return cell_ ? cell_->sum() : 0.0; }

long long now_ticks() noexcept {
  return static_cast<long long>(std::chrono::steady_clock::now().time_since_epoch().count());
}

}  // namespace vibework::infra::metrics
