#include "vibework/infra/process_limits.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <limits>
#include <thread>

#include <sched.h>
#include <sys/resource.h>

#include <fmt/format.h>

namespace vibework::infra {

namespace {
constexpr auto unlimited = std::numeric_limits<std::uint64_t>::max();
// The kernel's default for fs.nr_open, when /proc cannot be read.
constexpr std::uint64_t default_nr_open = 1024 * 1024;

std::uint64_t from_rlim(rlim_t value) { return value == RLIM_INFINITY ? unlimited : static_cast<std::uint64_t>(value); }

std::uint64_t read_nr_open() {
  std::ifstream in("/proc/sys/fs/nr_open");
  std::uint64_t value = 0;
  if (in >> value && value > 0) return value;
  return default_nr_open;
}

std::string shown(std::uint64_t value) { return value == unlimited ? "unlimited" : std::to_string(value); }
}  // namespace

std::uint64_t open_file_target(OpenFileLimit current, std::uint64_t nr_open) {
  return std::max(current.soft, std::min(current.hard, nr_open));
}

std::string OpenFileLimitChange::describe() const {
  if (!failure.empty()) {
    return fmt::format("open files: soft limit stays at {} (hard limit {}): {}", shown(soft), shown(before.hard), failure);
  }
  if (soft == before.soft) return fmt::format("open files: soft limit {} (already at the hard limit)", shown(soft));
  return fmt::format("open files: soft limit raised from {} to {}", shown(before.soft), shown(soft));
}

OpenFileLimitChange raise_open_file_limit() {
  OpenFileLimitChange change;
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) {
    change.failure = fmt::format("getrlimit failed: {}", std::strerror(errno));
    return change;
  }
  change.before = {from_rlim(limit.rlim_cur), from_rlim(limit.rlim_max)};
  change.soft = change.before.soft;
  const auto target = open_file_target(change.before, read_nr_open());
  if (target == change.before.soft) return change;
  rlimit raised = limit;
  raised.rlim_cur = static_cast<rlim_t>(target);
  if (::setrlimit(RLIMIT_NOFILE, &raised) != 0) {
    change.failure = fmt::format("setrlimit to {} failed: {}", target, std::strerror(errno));
    return change;
  }
  change.soft = target;
  return change;
}

std::size_t usable_cores() noexcept {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) == 0) {
    const int n = CPU_COUNT(&set);
    if (n > 0) return static_cast<std::size_t>(n);
  }
  return std::max(1u, std::thread::hardware_concurrency());
}

}  // namespace vibework::infra
