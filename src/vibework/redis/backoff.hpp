#pragma once
// Reconnect delays: capped exponential backoff with jitter, so many clients that lost the same
// server do not all come back in the same millisecond.
#include <chrono>
#include <cstdint>

namespace vibework::redis {

// attempt 0 -> about `min`, doubling each attempt up to `max`. The delay is drawn uniformly
// from [d/2, d] (d = the capped exponential value) using `unit_random` in [0, 1).
std::chrono::milliseconds backoff_delay(std::uint32_t attempt, std::chrono::milliseconds min,
                                        std::chrono::milliseconds max, double unit_random);

}  // namespace vibework::redis
