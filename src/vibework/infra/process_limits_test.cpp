#include "vibework/infra/process_limits.hpp"

#include <limits>
#include <thread>

#include <sched.h>

#include <sys/resource.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

using namespace vibework::infra;
using ::testing::HasSubstr;

namespace {
constexpr auto unlimited = std::numeric_limits<std::uint64_t>::max();
constexpr std::uint64_t nr_open = 1'048'576;
}  // namespace

TEST(OpenFileTarget, RaisesTheSoftLimitToTheHardLimit) {
  EXPECT_EQ(open_file_target({1024, 524'288}, nr_open), 524'288u);
}

TEST(OpenFileTarget, StopsAtTheKernelsMaximum) {
  EXPECT_EQ(open_file_target({1024, unlimited}, nr_open), nr_open);
  EXPECT_EQ(open_file_target({1024, 4 * nr_open}, nr_open), nr_open);
}

TEST(OpenFileTarget, NeverLowers) {
  EXPECT_EQ(open_file_target({4096, 4096}, nr_open), 4096u);
  EXPECT_EQ(open_file_target({unlimited, unlimited}, nr_open), unlimited);
}

TEST(OpenFileLimitChange, DescribesWhatHappened) {
  EXPECT_EQ((OpenFileLimitChange{{1024, 524'288}, 524'288, ""}).describe(),
            "open files: soft limit raised from 1024 to 524288");
  EXPECT_EQ((OpenFileLimitChange{{4096, 4096}, 4096, ""}).describe(),
            "open files: soft limit 4096 (already at the hard limit)");
  EXPECT_THAT((OpenFileLimitChange{{1024, 4096}, 1024, "setrlimit to 4096 failed: Operation not permitted"}).describe(),
              HasSubstr("soft limit stays at 1024 (hard limit 4096): setrlimit to 4096 failed"));
}

TEST(RaiseOpenFileLimit, LeavesTheSoftLimitAtTheHardLimit) {
  const auto change = raise_open_file_limit();
  EXPECT_EQ(change.failure, "");
  rlimit now{};
  ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &now), 0);
  EXPECT_EQ(static_cast<std::uint64_t>(now.rlim_cur), change.soft);
  EXPECT_GE(change.soft, change.before.soft);
  EXPECT_EQ(raise_open_file_limit().describe(), "open files: soft limit " + std::to_string(change.soft) +
                                                    " (already at the hard limit)");
}

// The affinity mask counts, not the machine: a thread pinned to one CPU (as `taskset -c 0` pins
// a process) sees one usable core. Run in a thread of its own so the pin does not outlive it.
TEST(UsableCores, FollowsTheAffinityMask) {
  EXPECT_GE(usable_cores(), 1u);
  std::size_t pinned = 0;
  std::thread([&] {
    cpu_set_t mask;
    ASSERT_EQ(::sched_getaffinity(0, sizeof mask, &mask), 0);
    int first = 0;
    while (!CPU_ISSET(first, &mask)) ++first;
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(first, &one);
    ASSERT_EQ(::sched_setaffinity(0, sizeof one, &one), 0);
    pinned = usable_cores();
  }).join();
  EXPECT_EQ(pinned, 1u);
}
