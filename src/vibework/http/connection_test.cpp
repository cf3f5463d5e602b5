#include "vibework/http/connection.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

using namespace vibework::http;
using namespace std::chrono_literals;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

namespace {
const auto t0 = ConnectionClock::time_point{} + 1h;
Connection at(ConnectionPhase phase, std::chrono::seconds age_offset) {
  Connection c;
  c.phase = phase;
  c.since = t0 + age_offset;
  return c;
}
}  // namespace

TEST(OldestEvictable, OnlyIdleAndUnfinishedRequestsMayBeClosed) {
  EXPECT_TRUE(evictable(ConnectionPhase::idle));
  EXPECT_TRUE(evictable(ConnectionPhase::reading));
  EXPECT_FALSE(evictable(ConnectionPhase::handling));
  EXPECT_FALSE(evictable(ConnectionPhase::writing));
  EXPECT_FALSE(evictable(ConnectionPhase::closing));
}

TEST(OldestEvictable, PicksTheOldestFirstAndSkipsBusyOnes) {
  auto handling_oldest = at(ConnectionPhase::handling, 0s);
  auto slow_reader = at(ConnectionPhase::reading, 1s);
  auto writing = at(ConnectionPhase::writing, 2s);
  auto idle = at(ConnectionPhase::idle, 3s);
  auto newest_slow = at(ConnectionPhase::reading, 4s);
  auto closing = at(ConnectionPhase::closing, 0s);
  const std::unordered_set<Connection*> all{&handling_oldest, &slow_reader, &writing, &idle, &newest_slow, &closing};
  EXPECT_THAT(oldest_evictable(all, 1), ElementsAre(&slow_reader));
  EXPECT_THAT(oldest_evictable(all, 2), ElementsAre(&slow_reader, &idle));
  EXPECT_THAT(oldest_evictable(all, 10), ElementsAre(&slow_reader, &idle, &newest_slow));
}

TEST(OldestEvictable, NothingWhenEveryConnectionIsBusy) {
  auto a = at(ConnectionPhase::handling, 0s);
  auto b = at(ConnectionPhase::writing, 1s);
  EXPECT_THAT(oldest_evictable({&a, &b}, 1), IsEmpty());
  EXPECT_THAT(oldest_evictable({}, 3), IsEmpty());
  auto c = at(ConnectionPhase::idle, 1s);
  EXPECT_THAT(oldest_evictable({&c}, 0), IsEmpty());
}
