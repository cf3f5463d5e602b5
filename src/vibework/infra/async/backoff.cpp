#include "vibework/infra/async/backoff.hpp"

#include <algorithm>
#include <limits>

namespace vibework::infra {

std::chrono::milliseconds backoff_delay(std::uint32_t attempt, std::chrono::milliseconds initial,
                                        std::chrono::milliseconds max, double unit_random) {
  const auto lo = std::max<std::int64_t>(1, initial.count());
  const auto hi = std::max<std::int64_t>(lo, max.count());
  std::int64_t d = lo;
  for (std::uint32_t i = 0; i < attempt && d < hi; ++i) d *= 2;
  d = std::min(d, hi);
  const double r = std::clamp(unit_random, 0.0, 1.0);
  return std::chrono::milliseconds(d / 2 + static_cast<std::int64_t>(static_cast<double>(d - d / 2) * r));
}

std::chrono::milliseconds Backoff::next() {
  const double r = std::uniform_real_distribution<double>(0.0, 1.0)(random_);
  const auto delay = backoff_delay(attempt_, initial_, max_, r);
  if (attempt_ < std::numeric_limits<std::uint32_t>::max()) ++attempt_;
  return delay;
}

}  // namespace vibework::infra
