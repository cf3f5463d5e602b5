// Migrations against the local MariaDB: applied once and in order, idempotent, a changed file
// refused, a failed file not recorded, two concurrent runs applying each file once (the
// `vibework migrate` command is tested in app/migrate_command_test.cpp).
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "vibework/infra/errors.hpp"
#include "vibework/mysql/database.hpp"
#include "vibework/mysql/migrations.hpp"
#include "vibework/mysql/test_support.hpp"

using namespace vibework;
using namespace vibework::mysql;
using ::testing::HasSubstr;
using testkit::run_async;

namespace {

class MysqlMigrationsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    config_ = test_support::fresh_database("vibework_test_mysql_migrations");
    dir_ = std::filesystem::temp_directory_path() /
           ("vibework_migrations_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  void write(const std::string& name, const std::string& sql) {
    std::ofstream(dir_ / name) << sql;
  }
  std::int64_t count(const std::string& sql) {
    return run_async([&]() -> awaitable<std::int64_t> {
      Database db(config_);
      const auto rs = co_await db.execute(sql);
      co_await db.stop();
      co_return std::get<std::int64_t>(rs.cell(0, 0));
    }());
  }
  std::vector<std::string> apply() {
    return run_async([&]() -> awaitable<std::vector<std::string>> {
      Database db(config_);
      auto applied = co_await apply_migrations(db, dir_);
      co_await db.stop();
      co_return applied;
    }());
  }

  mysql::Config config_;
  std::filesystem::path dir_;
};

TEST_F(MysqlMigrationsTest, AppliesInOrderOnceAndIsIdempotent) {
  write("0002_fill.sql", "INSERT INTO items (id, label) VALUES (1, 'one; with a semicolon');\nINSERT INTO items VALUES (2, 'two');\n");
  write("0001_items.sql", "-- the first table\nCREATE TABLE items (id INT PRIMARY KEY, label TEXT NOT NULL);\n");
  write("README.txt", "not a migration");
  EXPECT_THAT(apply(), ::testing::ElementsAre("0001_items.sql", "0002_fill.sql"));
  EXPECT_EQ(count("SELECT COUNT(*) FROM items"), 2);
  EXPECT_EQ(count("SELECT COUNT(*) FROM _migrations"), 2);
  EXPECT_TRUE(apply().empty());  // nothing left to do
  EXPECT_EQ(count("SELECT COUNT(*) FROM items"), 2);

  write("0003_more.sql", "INSERT INTO items VALUES (3, 'three');");
  EXPECT_THAT(apply(), ::testing::ElementsAre("0003_more.sql"));
  EXPECT_EQ(count("SELECT COUNT(*) FROM items"), 3);
}

TEST_F(MysqlMigrationsTest, RefusesAFileChangedAfterItWasApplied) {
  write("0001_items.sql", "CREATE TABLE items (id INT PRIMARY KEY);");
  apply();
  write("0001_items.sql", "CREATE TABLE items (id BIGINT PRIMARY KEY);");
  write("0002_next.sql", "CREATE TABLE later (id INT);");
  try {
    apply();
    ADD_FAILURE() << "a changed migration was accepted";
  } catch (const infra::ConfigError& e) {
    EXPECT_THAT(e.what(), HasSubstr("0001_items.sql was changed after it was applied"));
    EXPECT_THAT(e.what(), HasSubstr("new, higher-numbered migration"));
  }
  EXPECT_EQ(count("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = "
                  "'later'"),
            0);  // nothing after the refusal ran
  const auto states = run_async([&]() -> awaitable<std::vector<MigrationState>> {
    Database db(config_);
    auto s = co_await migration_status(db, dir_);
    co_await db.stop();
    co_return s;
  }());
  ASSERT_EQ(states.size(), 2u);
  EXPECT_EQ(states[0].status, MigrationState::Status::changed);
  EXPECT_EQ(states[1].status, MigrationState::Status::pending);
}

TEST_F(MysqlMigrationsTest, AFailedMigrationIsNotRecordedAndNamesTheStatement) {
  write("0001_items.sql", "CREATE TABLE items (id INT PRIMARY KEY);");
  write("0002_broken.sql", "INSERT INTO items VALUES (1);\nINSERT INTO no_such_table VALUES (2);\n");
  try {
    apply();
    ADD_FAILURE() << "a broken migration was accepted";
  } catch (const infra::QueryError& e) {
    EXPECT_THAT(e.what(), HasSubstr("0002_broken.sql failed at statement 2 of 2"));
  }
  EXPECT_EQ(count("SELECT COUNT(*) FROM _migrations"), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM items"), 0);  // DML rolled back with the file
  write("0002_broken.sql", "INSERT INTO items VALUES (1);\n");
  EXPECT_THAT(apply(), ::testing::ElementsAre("0002_broken.sql"));
}

TEST_F(MysqlMigrationsTest, TwoConcurrentRunsApplyEachFileOnce) {
  // No primary key: a second application would show up as a second row.
  write("0001_runs.sql", "CREATE TABLE runs (n INT NOT NULL);");
  write("0002_slow.sql", "DO SLEEP(0.5);\nINSERT INTO runs VALUES (1);");
  write("0003_again.sql", "INSERT INTO runs VALUES (2);");
  std::vector<std::vector<std::string>> applied(2);
  const auto results = test_support::run_concurrently(2, 2, [&](std::size_t i) -> awaitable<void> {
    Database db(config_);
    applied[i] = co_await apply_migrations(db, dir_);
    co_await db.stop();
  });
  for (const auto& e : results) EXPECT_EQ(e, nullptr);
  EXPECT_EQ(applied[0].size() + applied[1].size(), 3u);
  EXPECT_TRUE(applied[0].empty() || applied[1].empty());  // one run did everything, the other nothing
  EXPECT_EQ(count("SELECT COUNT(*) FROM runs"), 2);
  EXPECT_EQ(count("SELECT COUNT(*) FROM _migrations"), 3);
}

TEST_F(MysqlMigrationsTest, TheRepositoryMigrationsApplyAndReapplyCleanly) {
  const std::filesystem::path repo = std::string(std::getenv("VIBEWORK_SOURCE_DIR")) + "/migrations";
  const auto first = run_async([&]() -> awaitable<std::vector<std::string>> {
    Database db(config_);
    auto a = co_await apply_migrations(db, repo);
    co_await db.stop();
    co_return a;
  }());
  EXPECT_FALSE(first.empty());
  const auto second = run_async([&]() -> awaitable<std::vector<std::string>> {
    Database db(config_);
    auto a = co_await apply_migrations(db, repo);
    co_await db.stop();
    co_return a;
  }());
  EXPECT_TRUE(second.empty());
  EXPECT_EQ(count("SELECT COUNT(*) FROM information_schema.statistics WHERE table_schema = DATABASE() AND index_name "
                  "IN ('user_email_unique', 'session_token_unique', 'session_userId_idx', "
                  "'account_issuer_accountId_uidx', 'account_userId_idx', 'verification_identifier_idx') AND "
                  "seq_in_index = 1"),
            6);
  EXPECT_EQ(count("SELECT COUNT(*) FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = "
                  "'user' AND column_name = 'email' AND collation_name = 'utf8mb4_bin'"),
            1);
}

}  // namespace
