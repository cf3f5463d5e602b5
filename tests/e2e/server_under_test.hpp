#pragma once
// `vibework serve` under test: a child process on a free port with the test routes on, started
// directly or through a launcher (e.g. prlimit, to give it other resource limits).
#include <cstdlib>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "child_process.hpp"
#include "http_client.hpp"
#include "vibework/testkit/eventually.hpp"

namespace vibework::e2e {

using Env = std::map<std::string, std::string>;

// The repository's migrations (ctest sets VIBEWORK_SOURCE_DIR).
inline std::string migrations_dir() {
  const char* source = std::getenv("VIBEWORK_SOURCE_DIR");
  return source == nullptr ? std::string("migrations") : std::string(source) + "/migrations";
}

// `vibework migrate` on the shared test database, for tests that run other commands on it.
inline void migrate_shared_database() {
  using namespace std::chrono_literals;
  ChildProcess migrate(vibework_binary(), {"migrate"}, {{"MYSQL_MIGRATIONS_DIR", migrations_dir()}});
  const auto code = migrate.wait_for_exit(60s);
  ASSERT_EQ(code, 0) << migrate.output();
}

struct Server {
  unsigned short port = free_port();
  std::unique_ptr<ChildProcess> process;

  explicit Server(Env env = {}, const std::vector<std::string>& launcher = {}) {
    using namespace std::chrono_literals;
    env.emplace("HTTP_PORT", std::to_string(port));
    env.emplace("HTTP_HOST", "127.0.0.1");
    env.emplace("VIBEWORK_TEST_ROUTES", "1");
    env.emplace("MYSQL_MIGRATE_ON_START", "true");  // auth's tables, or readiness reports them missing
    env.emplace("MYSQL_MIGRATIONS_DIR", migrations_dir());
    std::vector<std::string> args(launcher.empty() ? launcher.begin() : launcher.begin() + 1, launcher.end());
    if (!launcher.empty()) args.push_back(vibework_binary());
    args.push_back("serve");
    process = std::make_unique<ChildProcess>(launcher.empty() ? vibework_binary() : launcher.front(), args, env);
    if (!wait_until_listening(port, 60s)) {
      ADD_FAILURE() << "vibework did not start listening; its output:\n" << process->output();
    }
  }
};

// Waits up to 60 s for /health/ready to answer 200 (Pub/Sub included: the server has created its
// topics); the last report and the server's output when it does not.
inline ::testing::AssertionResult wait_ready(Server& server) {
  using namespace std::chrono_literals;
  std::string last;
  if (testkit::eventually([&] {
        auto r = TestClient(server.port).request(boost::beast::http::verb::get, "/health/ready");
        last = r.body;
        return r.status == 200;
      }, 60s)) {
    return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure() << "not ready: " << last << "\n" << server.process->output();
}

}  // namespace vibework::e2e
