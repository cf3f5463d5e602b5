#pragma once
// ChildProcess: runs the built vibework binary for black-box tests. Output goes to a file;
// the process is killed when the object goes away, so a failing test never leaks a server.
#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <sys/types.h>

#include "vibework/testkit/ports.hpp"

namespace vibework::e2e {

class ChildProcess {
 public:
  ChildProcess(const std::string& program, const std::vector<std::string>& args,
               const std::map<std::string, std::string>& env_overrides);
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const noexcept { return pid_; }
  void signal(int signal_number) const;
  // The exit code (or 128+signal), or nullopt if it did not exit within `limit`.
  std::optional<int> wait_for_exit(std::chrono::milliseconds limit);
  std::string output() const;  // stdout and stderr so far

 private:
  pid_t pid_ = -1;
  std::string output_path_;
  std::optional<int> exit_code_;
};

// The path of the vibework binary under test (from VIBEWORK_BINARY_DIR, set by CTest).
std::string vibework_binary();
// A TCP port on 127.0.0.1 that was free a moment ago.
using testkit::free_port;

}  // namespace vibework::e2e
