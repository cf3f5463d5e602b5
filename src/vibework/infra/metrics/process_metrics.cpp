#include "vibework/infra/metrics/process_metrics.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <limits>
#include <optional>
#include <sstream>
#include <string>

#include "vibework/infra/build_info.hpp"

namespace vibework::infra::metrics {

namespace {

// The fields of /proc/self/stat we read (man 5 proc; 1-based field numbers in comments).
struct ProcStat {
  double utime_ticks = 0;      // 14
  double stime_ticks = 0;      // 15
  double start_ticks = 0;      // 22, since boot
  double virtual_bytes = 0;    // 23
  double resident_pages = 0;   // 24
};

std::optional<ProcStat> read_proc_stat() {
  std::ifstream in("/proc/self/stat");
  std::string line;
  if (!std::getline(in, line)) return std::nullopt;
  // The command name (field 2) is in parentheses and may contain spaces: parse after the last ')'.
  const auto close = line.rfind(')');
  if (close == std::string::npos) return std::nullopt;
  std::istringstream fields(line.substr(close + 2));
  std::string f;
  ProcStat s;
  for (int field = 3; fields >> f; ++field) {
    switch (field) {
      case 14: s.utime_ticks = std::stod(f); break;
      case 15: s.stime_ticks = std::stod(f); break;
      case 22: s.start_ticks = std::stod(f); break;
      case 23: s.virtual_bytes = std::stod(f); break;
      case 24: s.resident_pages = std::stod(f); return s;
      default: break;
    }
  }
  return std::nullopt;
}

double boot_time_seconds() {
  std::ifstream in("/proc/stat");
  std::string key;
  double value = 0;
  while (in >> key) {
    if (key == "btime" && in >> value) return value;
    in.ignore(std::numeric_limits<std::streamsize>::max(), '\n');
  }
  return 0;
}

double open_fds() {
  std::error_code ec;
  double n = 0;
  for (std::filesystem::directory_iterator it("/proc/self/fd", ec), end; !ec && it != end; it.increment(ec)) ++n;
  return n - 1;  // the iterator's own descriptor
}

double max_fds() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY) return -1;
  return static_cast<double>(limit.rlim_cur);
}

}  // namespace

ProcessMetrics::ProcessMetrics(Registry& r) {
  const double ticks = static_cast<double>(::sysconf(_SC_CLK_TCK));
  const double page = static_cast<double>(::sysconf(_SC_PAGESIZE));
  // Fixed for the life of the process: computed once.
  const auto stat = read_proc_stat();
  const double start_time = stat ? boot_time_seconds() + stat->start_ticks / ticks : 0;

  registrations_.push_back(r.gauge_callback("process_resident_memory_bytes", "Resident memory size in bytes.", [page] {
    const auto s = read_proc_stat();
    return s ? s->resident_pages * page : 0.0;
  }));
  registrations_.push_back(r.gauge_callback("process_virtual_memory_bytes", "Virtual memory size in bytes.", [] {
    const auto s = read_proc_stat();
    return s ? s->virtual_bytes : 0.0;
  }));
  registrations_.push_back(
      r.counter_callback("process_cpu_seconds_total", "Total user and system CPU time spent in seconds.", [ticks] {
        const auto s = read_proc_stat();
        return s ? (s->utime_ticks + s->stime_ticks) / ticks : 0.0;
      }));
  registrations_.push_back(r.gauge_callback("process_open_fds", "Number of open file descriptors.", open_fds));
  registrations_.push_back(r.gauge_callback("process_max_fds", "Maximum number of open file descriptors.", max_fds));
  registrations_.push_back(r.gauge_callback("process_start_time_seconds",
                                            "Start time of the process since unix epoch in seconds.",
                                            [start_time] { return start_time; }));
  registrations_.push_back(r.gauge_callback("vibework_build_info", "The vibework build: version and git commit; always 1.",
                                            {"version", "commit"},
                                            {std::string(build_version()), std::string(build_commit())},
                                            [] { return 1.0; }));
}

}  // namespace vibework::infra::metrics
