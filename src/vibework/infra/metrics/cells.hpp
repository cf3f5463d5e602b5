#pragma once
// Internal: the storage behind metric handles. Each value is split into shards, one per
// thread (modulo kShards), each on its own cache line: recording is a relaxed atomic on the
// caller's shard, reading sums the shards.
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace vibework::infra::metrics::detail {

inline constexpr std::size_t kShards = 16;
inline constexpr std::size_t kCacheLine = 64;

// This thread's shard, fixed at its first use.
std::size_t this_thread_shard() noexcept;

struct alignas(kCacheLine) PaddedDouble {
  std::atomic<double> value{0.0};
};

void atomic_add(std::atomic<double>& target, double by) noexcept;

struct CounterCell {
  PaddedDouble shards[kShards];
  double read() const noexcept;
};

// Shards take add(); set() writes shard 0 and clears the rest (a gauge is either set by one
// owner or moved up and down, not both at once).
struct GaugeCell {
  PaddedDouble shards[kShards];
  double read() const noexcept;
};

struct HistogramCell {
  explicit HistogramCell(std::vector<double> upper_bounds);
  void observe(double v) noexcept;
  // Cumulative counts per bucket (the last is +Inf, so it is the count), and the sum.
  std::vector<std::uint64_t> cumulative() const;
  double sum() const noexcept;

  std::vector<double> bounds;  // finite, increasing; +Inf is implied
  std::size_t lines_per_shard;
  struct alignas(kCacheLine) Line {
    std::atomic<std::uint64_t> slots[kCacheLine / sizeof(std::uint64_t)];
  };
  // Per shard: bounds.size() + 1 bucket counters, then the sum (a double's bits).
  std::unique_ptr<Line[]> lines;
  std::atomic<std::uint64_t>& slot(std::size_t shard, std::size_t i) const noexcept;
};

}  // namespace vibework::infra::metrics::detail
