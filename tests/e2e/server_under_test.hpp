#pragma once
// `vibework serve` under test: a child process on a free port with the test routes on, started
// directly or through a launcher (e.g. prlimit, to give it other resource limits).
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "child_process.hpp"
#include "http_client.hpp"

namespace vibework::e2e {

using Env = std::map<std::string, std::string>;

struct Server {
  unsigned short port = free_port();
  std::unique_ptr<ChildProcess> process;

  explicit Server(Env env = {}, const std::vector<std::string>& launcher = {}) {
    using namespace std::chrono_literals;
    env.emplace("HTTP_PORT", std::to_string(port));
    env.emplace("HTTP_HOST", "127.0.0.1");
    env.emplace("VIBEWORK_TEST_ROUTES", "1");
    std::vector<std::string> args(launcher.empty() ? launcher.begin() : launcher.begin() + 1, launcher.end());
    if (!launcher.empty()) args.push_back(vibework_binary());
    args.push_back("serve");
    process = std::make_unique<ChildProcess>(launcher.empty() ? vibework_binary() : launcher.front(), args, env);
    if (!wait_until_listening(port, 60s)) {
      ADD_FAILURE() << "vibework did not start listening; its output:\n" << process->output();
    }
  }
};

}  // namespace vibework::e2e
