#pragma once
// Test helper: freeze a server process (SIGSTOP) and wait until the kernel has stopped it.
// kill() returns before the process is stopped, and until then it may still answer requests.
#include <chrono>
#include <fstream>
#include <string>

#include <signal.h>
#include <sys/types.h>

#include "vibework/testkit/eventually.hpp"

namespace vibework::testkit {

inline bool freeze_process(pid_t pid, std::chrono::milliseconds limit = std::chrono::seconds(2)) {
  if (pid <= 0 || ::kill(pid, SIGSTOP) != 0) return false;
  return eventually(
      [&] {
        std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
        std::string id, name, state;
        stat >> id >> name >> state;  // the name has no spaces for our servers
        return state == "T" || state == "t";
      },
      limit);
}

}  // namespace vibework::testkit
