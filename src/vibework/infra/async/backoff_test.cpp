// The backoff arithmetic, and the stateful Backoff over it. No timing: delays are values.
#include "vibework/infra/async/backoff.hpp"

#include <gtest/gtest.h>

namespace {

using namespace std::chrono_literals;
using vibework::infra::Backoff;
using vibework::infra::backoff_delay;

TEST(Backoff, GrowsExponentiallyUpToTheCapWithJitter) {
  EXPECT_EQ(backoff_delay(0, 50ms, 1000ms, 0.0), 25ms);
  EXPECT_EQ(backoff_delay(0, 50ms, 1000ms, 1.0), 50ms);
  EXPECT_EQ(backoff_delay(3, 50ms, 1000ms, 1.0), 400ms);
  EXPECT_EQ(backoff_delay(30, 50ms, 1000ms, 1.0), 1000ms);
  EXPECT_EQ(backoff_delay(1000, 50ms, 1000ms, 0.0), 500ms);
  for (double r : {0.0, 0.3, 0.99}) {
    const auto d = backoff_delay(5, 50ms, 1000ms, r);
    EXPECT_GE(d, 500ms);
    EXPECT_LE(d, 1000ms);
  }
}

TEST(Backoff, ToleratesOddBounds) {
  EXPECT_EQ(backoff_delay(0, 0ms, 0ms, 1.0), 1ms);        // never a busy loop
  EXPECT_EQ(backoff_delay(4, 100ms, 10ms, 1.0), 100ms);   // a cap below the start is the start
  EXPECT_EQ(backoff_delay(0, 100ms, 1000ms, -1.0), 50ms); // the random value is clamped
  EXPECT_EQ(backoff_delay(0, 100ms, 1000ms, 2.0), 100ms);
}

TEST(Backoff, CountsAttemptsStaysInTheBandAndResets) {
  Backoff backoff(100ms, 1000ms, 42);
  const std::chrono::milliseconds caps[] = {100ms, 200ms, 400ms, 800ms, 1000ms, 1000ms};
  for (std::uint32_t i = 0; i < std::size(caps); ++i) {
    EXPECT_EQ(backoff.attempts(), i);
    const auto d = backoff.next();
    EXPECT_GE(d, caps[i] / 2) << "attempt " << i;
    EXPECT_LE(d, caps[i]) << "attempt " << i;
  }
  backoff.reset();
  EXPECT_EQ(backoff.attempts(), 0u);
  EXPECT_LE(backoff.next(), 100ms);
}

TEST(Backoff, TheSeedMakesItReproducibleAndJittered) {
  Backoff a(1000ms, 1000ms, 7), b(1000ms, 1000ms, 7);
  bool varied = false;
  std::chrono::milliseconds first = a.next();
  EXPECT_EQ(first, b.next());
  for (int i = 0; i < 20; ++i) {
    const auto d = a.next();
    EXPECT_EQ(d, b.next());
    varied = varied || d != first;
  }
  EXPECT_TRUE(varied) << "the delay should be jittered, not constant";
}

}  // namespace
