#pragma once
// Process limits: the open-file limit a server needs. A service manager typically starts us with
// a soft RLIMIT_NOFILE of 1024 and a much higher hard limit; the soft limit caps sockets, so it
// is raised to the hard limit once at start (`vibework serve` does this).
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace vibework::infra {

struct OpenFileLimit {
  std::uint64_t soft = 0;  // RLIMIT_NOFILE's current value, RLIM_INFINITY as UINT64_MAX
  std::uint64_t hard = 0;
};

// The soft limit to ask for: the hard limit, but never above the kernel's per-process maximum
// (/proc/sys/fs/nr_open), which setrlimit refuses to exceed (an infinite hard limit included).
// Never lowers the soft limit.
std::uint64_t open_file_target(OpenFileLimit current, std::uint64_t nr_open);

struct OpenFileLimitChange {
  OpenFileLimit before;
  std::uint64_t soft = 0;  // the soft limit now in force
  std::string failure;     // why it could not be raised; empty when it was (or did not need to be)
  std::string describe() const;  // "open files: soft limit raised from 1024 to 524288"
};

// Raises the soft RLIMIT_NOFILE as far as allowed (see open_file_target). Never throws.
OpenFileLimitChange raise_open_file_limit();

// The CPUs this process may run on (its affinity mask: taskset, a container's cpuset), at
// least 1. std::thread::hardware_concurrency counts the machine's instead, so a server pinned
// to one core would start a thread per machine core (and an Argon2 buffer per hashing thread).
std::size_t usable_cores() noexcept;

}  // namespace vibework::infra
