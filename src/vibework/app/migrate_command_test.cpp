// `vibework migrate` against the local MariaDB: creates the database, applies, reports status,
// and fails clearly when the server cannot be reached.
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "vibework/app/commands.hpp"
#include "vibework/mysql/database.hpp"
#include "vibework/mysql/test_support.hpp"

using namespace vibework;
using namespace vibework::mysql;
using ::testing::HasSubstr;
using testkit::run_async;

namespace {

class MigrateCommand : public ::testing::Test {
 protected:
  void SetUp() override {
    config_ = test_support::server_config();
    dir_ = std::filesystem::temp_directory_path() / ("vibework_migrate_command_" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  void write(const std::string& name, const std::string& sql) { std::ofstream(dir_ / name) << sql; }

  mysql::Config config_;
  std::filesystem::path dir_;
};

TEST_F(MigrateCommand, CreatesTheDatabaseAndReportsStatus) {
  write("0001_items.sql", "CREATE TABLE items (id INT PRIMARY KEY);");
  mysql::Config config = config_;
  config.database = "vibework_test_mysql_migrate_cmd";
  config.migrations_dir = dir_.string();
  run_async([&]() -> awaitable<void> {  // start from nothing
    auto admin_config = config_;
    Database admin(admin_config);
    co_await admin.execute("DROP DATABASE IF EXISTS vibework_test_mysql_migrate_cmd");
    co_await admin.stop();
  }());
  std::ostringstream out, err;
  EXPECT_EQ(app::run_migrate(config, false, out, err), 0) << err.str();
  EXPECT_THAT(out.str(), HasSubstr("applied 0001_items.sql"));
  std::ostringstream again, status;
  EXPECT_EQ(app::run_migrate(config, false, again, err), 0);
  EXPECT_THAT(again.str(), HasSubstr("up to date"));
  EXPECT_EQ(app::run_migrate(config, true, status, err), 0);
  EXPECT_THAT(status.str(), HasSubstr("0001_items.sql"));
  EXPECT_THAT(status.str(), HasSubstr("applied at"));

  config.port = 1;
  std::ostringstream down_out, down_err;
  EXPECT_EQ(app::run_migrate(config, false, down_out, down_err), 1);
  EXPECT_THAT(down_err.str(), HasSubstr("cannot connect"));
}

}  // namespace
