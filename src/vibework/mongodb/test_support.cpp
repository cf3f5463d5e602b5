#include "vibework/mongodb/test_support.hpp"

#include "vibework/testkit/process.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <stdexcept>

#include <gtest/gtest.h>
#include <mongoc/mongoc.h>

#include "vibework/testkit/env.hpp"
#include "vibework/mongodb/driver_instance.hpp"
#include "vibework/testkit/async.hpp"
#include "vibework/testkit/eventually.hpp"
#include "vibework/testkit/ports.hpp"

namespace vibework::mongodb::test {

namespace {
// The driver stays initialised for the whole test binary: mongoc_cleanup() is final.
class DriverEnvironment : public ::testing::Environment {
 public:
  void SetUp() override { driver_.emplace(); }
  void TearDown() override { driver_.reset(); }

 private:
  std::optional<DriverInstance> driver_;
};
[[maybe_unused]] ::testing::Environment* const driver_environment =
    ::testing::AddGlobalTestEnvironment(new DriverEnvironment);

std::string run_command(const char* command) {
  std::string out;
  if (FILE* pipe = popen(command, "r")) {
    char buffer[512];
    while (fgets(buffer, sizeof buffer, pipe) != nullptr) out += buffer;
    pclose(pipe);
  }
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  return out;
}

std::string find_ferretdb() {
  if (const char* env = std::getenv("FERRETDB_BIN")) return env;
  const std::string gopath = run_command("go env GOPATH 2>/dev/null");
  if (!gopath.empty() && std::filesystem::exists(gopath + "/bin/ferretdb")) return gopath + "/bin/ferretdb";
  if (const char* home = std::getenv("HOME"); home && std::filesystem::exists(std::string(home) + "/go/bin/ferretdb")) {
    return std::string(home) + "/go/bin/ferretdb";
  }
  throw std::runtime_error("ferretdb not found: set FERRETDB_BIN or install it with scripts/bootstrap");
}

}  // namespace

mongodb::Config config_for(const std::string& database) {
  mongodb::Config config = testkit::section_from_environment<mongodb::Config>();
  config.database = database;
  return config;
}

awaitable<void> drop_database(Database& db) {
  auto drop = [name = db.database_name()](mongoc_client_t* client) {
    mongoc_database_t* database = mongoc_client_get_database(client, name.c_str());
    bson_error_t error;
    const bool ok = mongoc_database_drop_with_opts(database, nullptr, &error);
    mongoc_database_destroy(database);
    if (!ok && error.code != 26) throw std::runtime_error(std::string("dropDatabase failed: ") + error.message);
  };
  co_await db.run("dropDatabase", std::move(drop));
}

awaitable<bool> is_ferretdb(Database& db) {
  auto ask = [name = db.database_name()](mongoc_client_t* client) {
    bson_t* command = BCON_NEW("buildInfo", BCON_INT32(1));
    bson_t reply;
    bson_error_t error;
    const bool ok = mongoc_client_command_simple(client, "admin", command, nullptr, &reply, &error);
    bson_iter_t it;
    const bool ferret = ok && bson_iter_init_find(&it, &reply, "ferretdbVersion");
    bson_destroy(&reply);
    bson_destroy(command);
    return ferret;
  };
  co_return co_await db.run("buildInfo", std::move(ask));
}

StartedDatabase::StartedDatabase(mongodb::Config config, std::size_t blocking_threads)
    : runtime({1, blocking_threads}), db(std::make_shared<Database>(std::move(config), runtime)) {}

StartedDatabase::~StartedDatabase() {
  try {
    testkit::run_async(db->stop());
  } catch (...) {
  }
  db.reset();
  runtime.join();
}

PrivateFerret::PrivateFerret() : binary_(find_ferretdb()) {
  char pattern[] = "/tmp/vibework-ferret-XXXXXX";
  if (::mkdtemp(pattern) == nullptr) throw std::runtime_error("mkdtemp failed");
  dir_ = pattern;
  port_ = testkit::free_port();
  start();
}

PrivateFerret::~PrivateFerret() {
  if (pid_ > 0) {
    ::kill(pid_, SIGCONT);
    stop();
  }
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

void PrivateFerret::start() {
  if (pid_ > 0) return;
  std::filesystem::create_directories(dir_ + "/data");
  const std::string sqlite = "--sqlite-url=file:" + dir_ + "/data/";
  const std::string listen = "--listen-addr=127.0.0.1:" + std::to_string(port_);
  const std::string log = dir_ + "/ferretdb.log";
  std::fflush(nullptr);  // or the child would write our buffered output a second time
  pid_ = ::fork();
  if (pid_ == 0) {
    std::freopen(log.c_str(), "a", stdout);
    std::freopen(log.c_str(), "a", stderr);
    ::execl(binary_.c_str(), binary_.c_str(), "--handler=sqlite", sqlite.c_str(), listen.c_str(),
            "--debug-addr=127.0.0.1:0", "--telemetry=disable", "--log-level=WARN", static_cast<char*>(nullptr));
    std::_Exit(127);
  }
  bool exited = false;
  const bool listening = testkit::eventually(
      [&] {
        int status = 0;
        exited = ::waitpid(pid_, &status, WNOHANG) == pid_;
        return exited || testkit::port_accepts(port_);
      },
      std::chrono::seconds(30));
  if (exited) {
    pid_ = -1;
    throw std::runtime_error("private ferretdb exited at start; see " + log);
  }
  if (!listening) throw std::runtime_error("private ferretdb did not listen; see " + log);
}

void PrivateFerret::stop() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGTERM);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
}

void PrivateFerret::pause() {
  if (!testkit::freeze_process(pid_)) throw std::runtime_error("private ferretdb did not stop on SIGSTOP");
}
void PrivateFerret::resume() {
  if (pid_ > 0) ::kill(pid_, SIGCONT);
}

std::string PrivateFerret::uri(const std::string& database, const std::string& options) const {
  return "mongodb://127.0.0.1:" + std::to_string(port_) + "/" + database + (options.empty() ? "" : "?" + options);
}

}  // namespace vibework::mongodb::test
