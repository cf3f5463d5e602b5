#pragma once
// Test helper: wait for an event instead of sleeping for a guessed time. Polls `condition`
// until it holds or `limit` has passed; returns whether it held. Checks at least once, and once
// more at the deadline, so a zero limit means "true right now".
//
//   ASSERT_TRUE(testkit::eventually([&] { return server.accepts(); }, 10s)) << "never listened";
//
// The condition runs on the calling thread; for coroutines see eventually_async (async.hpp).
#include <algorithm>
#include <chrono>
#include <thread>

namespace vibework::testkit {

template <typename Condition>
[[nodiscard]] bool eventually(Condition&& condition, std::chrono::milliseconds limit,
                              std::chrono::milliseconds poll = std::chrono::milliseconds(5)) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  for (;;) {
    if (condition()) return true;
    const auto now = std::chrono::steady_clock::now();
    if (now >= deadline) return false;
    std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(poll, deadline - now));
  }
}

}  // namespace vibework::testkit
