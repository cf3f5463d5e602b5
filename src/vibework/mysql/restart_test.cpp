// The server stopped and started again under a running pool: while it is down, queries fail
// fast with a clear error; once it is back they succeed, with no restart of this process.
// Uses a PRIVATE mariadbd on a free port (its own data directory under /tmp), never the shared one.
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "vibework/infra/errors.hpp"
#include "vibework/mysql/database.hpp"
#include "vibework/mysql/test_support.hpp"
#include "vibework/testkit/eventually.hpp"
#include "vibework/testkit/ports.hpp"

extern char** environ;

using namespace vibework;
using namespace vibework::mysql;
using namespace std::chrono_literals;
using ::testing::HasSubstr;
using testkit::run_async;

namespace {

using testkit::free_port;

pid_t spawn(const std::vector<std::string>& args) {
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  pid_t pid = 0;
  if (posix_spawnp(&pid, argv[0], nullptr, nullptr, argv.data(), environ) != 0) {
    throw std::runtime_error("cannot start " + args[0]);
  }
  return pid;
}

// A throwaway mariadbd: installed into a temp directory, started and stopped on demand.
class PrivateMariadb {
 public:
  PrivateMariadb() : port_(free_port()) {
    dir_ = std::filesystem::temp_directory_path() / ("vibework_mysql_restart_" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    std::vector<std::string> args{"mariadb-install-db", "--no-defaults", "--datadir=" + (dir_ / "data").string(),
                                  "--auth-root-authentication-method=normal", "--skip-test-db"};
    if (::getuid() == 0) args.push_back("--user=root");
    const pid_t install = spawn(args);
    int status = 0;
    ::waitpid(install, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) throw std::runtime_error("mariadb-install-db failed");
  }
  ~PrivateMariadb() {
    stop();
    std::filesystem::remove_all(dir_);
  }

  void start() {
    std::vector<std::string> args{"mariadbd",
                                  "--no-defaults",
                                  "--datadir=" + (dir_ / "data").string(),
                                  "--socket=" + (dir_ / "mysqld.sock").string(),
                                  "--pid-file=" + (dir_ / "mysqld.pid").string(),
                                  "--port=" + std::to_string(port_),
                                  "--bind-address=127.0.0.1",
                                  "--skip-grant-tables",  // any user and password: no account setup needed
                                  "--innodb-buffer-pool-size=16M",
                                  "--log-error=" + (dir_ / "error.log").string()};
    if (::getuid() == 0) args.push_back("--user=root");
    pid_ = spawn(args);
    if (!testkit::eventually([&] { return testkit::port_accepts(port_); }, 30s)) {
      throw std::runtime_error("private mariadbd did not start; see " + (dir_ / "error.log").string());
    }
  }

  void stop() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGTERM);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
  }

  std::uint16_t port() const { return port_; }

 private:
  std::filesystem::path dir_;
  std::uint16_t port_;
  pid_t pid_ = -1;
};

TEST(MysqlRestart, QueriesFailFastWhileTheServerIsDownAndRecoverWithoutARestart) {
  PrivateMariadb server;
  server.start();

  auto config = test_support::server_config();
  config.host = "127.0.0.1";
  config.port = server.port();
  config.database = "";
  config.connection_limit = 3;
  config.connect_timeout = 2000ms;
  Database db(config);

  auto one = [&]() -> awaitable<std::int64_t> {
    const auto rs = co_await db.execute("SELECT 1");
    co_return std::get<std::int64_t>(rs.cell(0, 0));
  };
  EXPECT_EQ(run_async(one()), 1);
  EXPECT_EQ(db.pool().stats().open, 1u);

  server.stop();
  for (int attempt = 0; attempt < 3; ++attempt) {
    const auto started = SteadyClock::now();
    try {
      run_async(one());
      ADD_FAILURE() << "a query succeeded with the server down";
    } catch (const infra::UnavailableError& e) {
      EXPECT_THAT(e.what(), ::testing::AnyOf(HasSubstr("cannot connect"), HasSubstr("lost")));
      EXPECT_THAT(e.what(), HasSubstr(std::to_string(server.port())));
    }
    EXPECT_LT(SteadyClock::now() - started, 3s);  // fails fast, does not hang
  }
  const auto health = run_async(db.check_health());
  EXPECT_FALSE(health.is_ok());

  server.start();
  EXPECT_EQ(run_async(one()), 1);  // the first query after the restart succeeds
  EXPECT_TRUE(run_async(db.check_health()).is_ok());
  EXPECT_LE(db.pool().stats().open, 3u);
  run_async(db.stop());
}

}  // namespace
