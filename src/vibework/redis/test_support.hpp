#pragma once
// Test support for the Redis suites: a runtime, a client for the shared server (REDIS_URL),
// key namespaces per process, and private redis-server processes for the tests that kill,
// stop or reconfigure a server (never the shared one).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <future>
#include <stdexcept>
#include <string>
#include <vector>

#include <boost/asio/use_future.hpp>
#include <gtest/gtest.h>

#include "vibework/redis/config.hpp"
#include "vibework/redis/client.hpp"
#include "vibework/infra/runtime.hpp"
#include "vibework/testkit/async.hpp"
#include "vibework/testkit/env.hpp"
#include "vibework/testkit/eventually.hpp"
#include "vibework/testkit/ports.hpp"
#include "vibework/testkit/process.hpp"

extern char** environ;

namespace vibework::redis::test {

// The shared server's settings from the environment, like the app reads them.
inline redis::Config shared_config() {
  return testkit::section_from_environment<redis::Config>();
}

// Keys and channels of one test process: suites running in parallel never collide.
inline std::string unique_prefix(std::string_view suite) {
  return "vwtest:" + std::string(suite) + ":" + std::to_string(::getpid()) + ":";
}

// Runs a coroutine on one of the runtime's I/O threads (the "same thread as the connection"
// path) and waits for it.
template <typename T>
T run_on(asio::io_context& ctx, awaitable<T> task, std::chrono::seconds limit = std::chrono::seconds(60)) {
  auto future = asio::co_spawn(ctx, std::move(task), asio::use_future);
  if (future.wait_for(limit) != std::future_status::ready) throw std::runtime_error("coroutine did not finish in time");
  return future.get();
}

using testkit::free_port;
using testkit::port_accepts;

// A private redis-server on its own port with its own directory under /tmp, no persistence.
class PrivateRedisServer {
 public:
  explicit PrivateRedisServer(std::vector<std::string> extra_args = {})
      : port_(free_port()), extra_(std::move(extra_args)) {
    dir_ = std::filesystem::temp_directory_path() /
           ("vibework-redis-test-" + std::to_string(::getpid()) + "-" + std::to_string(port_));
    std::filesystem::create_directories(dir_);
    start();
  }
  ~PrivateRedisServer() {
    if (pid_ > 0) {
      ::kill(pid_, SIGCONT);
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  PrivateRedisServer(const PrivateRedisServer&) = delete;
  PrivateRedisServer& operator=(const PrivateRedisServer&) = delete;

  std::uint16_t port() const { return port_; }
  std::string url(std::string_view userinfo = {}, int db = 0) const {
    return "redis://" + (userinfo.empty() ? std::string() : std::string(userinfo) + "@") + "127.0.0.1:" +
           std::to_string(port_) + "/" + std::to_string(db);
  }

  void start() {
    std::vector<std::string> args = {"redis-server", "--port", std::to_string(port_), "--bind", "127.0.0.1",
                                     "--save", "", "--appendonly", "no", "--dir", dir_.string(),
                                     "--logfile", (dir_ / "redis.log").string()};
    args.insert(args.end(), extra_.begin(), extra_.end());
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    if (::posix_spawnp(&pid_, "redis-server", nullptr, nullptr, argv.data(), environ) != 0) {
      throw std::runtime_error("could not start redis-server (is it installed and on PATH?)");
    }
    if (!testkit::eventually([&] { return port_accepts(port_); }, std::chrono::seconds(10))) {
      throw std::runtime_error("private redis-server did not start");
    }
  }
  // The server dies at once (connections reset), like a crash.
  void kill() {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }
  // Accepts TCP (kernel backlog) but never answers.
  void pause() {
    if (!testkit::freeze_process(pid_)) throw std::runtime_error("private redis-server did not stop on SIGSTOP");
  }
  void resume() { ::kill(pid_, SIGCONT); }

 private:
  std::uint16_t port_;
  std::vector<std::string> extra_;
  std::filesystem::path dir_;
  pid_t pid_ = -1;
};

inline redis::Config private_config(const std::string& url) {
  auto result = testkit::load_config<redis::Config>({{"REDIS_URL", url}});
  if (!result.ok()) throw std::runtime_error(result.problems[0].to_string());
  return result.config.get<redis::Config>();
}

}  // namespace vibework::redis::test
