#pragma once
// Retry delays: capped exponential backoff with jitter, so many clients that failed together
// (a server restart, a network blip) do not all come back in the same millisecond.
//
//   Backoff backoff(100ms, 10s, seed);   // one per retry loop; no global RNG state
//   for (;;) { try { ...; backoff.reset(); } catch (...) { sleep(backoff.next()); } }
//
// Used by the Redis reconnect loop and the Pub/Sub retry loop; use it for any other retry.
#include <chrono>
#include <cstdint>
#include <random>

namespace vibework::infra {

// The delay before retry number `attempt` (0 = the first retry): d = min(initial * 2^attempt,
// max), then drawn uniformly from [d/2, d] with `unit_random` in [0, 1] (clamped), i.e. up
// to 50% jitter downwards. `initial` is at least 1 ms and `max` at least `initial`.
std::chrono::milliseconds backoff_delay(std::uint32_t attempt, std::chrono::milliseconds initial,
                                        std::chrono::milliseconds max, double unit_random);

// The attempt counter and the random source of one retry loop.
class Backoff {
 public:
  Backoff(std::chrono::milliseconds initial, std::chrono::milliseconds max, std::uint32_t seed)
      : initial_(initial), max_(max), random_(seed) {}

  // The delay before the next retry; counts the attempt.
  std::chrono::milliseconds next();
  // After a success: the next failure starts again from `initial`.
  void reset() noexcept { attempt_ = 0; }
  // Retries handed out since construction or reset().
  std::uint32_t attempts() const noexcept { return attempt_; }

 private:
  std::chrono::milliseconds initial_;
  std::chrono::milliseconds max_;
  std::uint32_t attempt_ = 0;
  std::minstd_rand random_;
};

}  // namespace vibework::infra
