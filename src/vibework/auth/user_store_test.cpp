// UserStore against the real MariaDB on the migrated Better-Auth schema.
#include <fstream>
#include <regex>
#include <sstream>

#include <gtest/gtest.h>

#include "vibework/auth/session_store.hpp"
#include "vibework/auth/user_store.hpp"
#include "vibework/infra/errors.hpp"
#include "vibework/auth/test_support.hpp"
#include "vibework/testkit/async.hpp"
#include "vibework/testkit/co_assert.hpp"

namespace vibework::auth {
namespace {

class UserStoreTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    config_ = new mysql::Config(test_support::migrated_database("vibework_test_auth_users"));
  }
  static void TearDownTestSuite() { delete config_; }
  void SetUp() override {
    testkit::run_async([this]() -> awaitable<void> {
      co_await db_.start();
      co_await db_.execute("DELETE FROM `user`");
    }());
  }
  void TearDown() override {
    testkit::run_async([this]() -> awaitable<void> { co_await db_.stop(); }());
  }

  static mysql::Config* config_;
  mysql::Database db_{*config_};
  schema::AuthSchema tables_{*config_};
  UserStore users_{db_};
};
mysql::Config* UserStoreTest::config_ = nullptr;

TEST_F(UserStoreTest, CreatesAUserWithItsCredentialAccountAsBetterAuthDoes) {
  testkit::run_async([this]() -> awaitable<void> {
    NewUser ada{.name = "Ada", .email = "Ada@Example.TEST"};
    const auto user = co_await users_.create(std::move(ada), "$argon2id$fake-hash");
    EXPECT_EQ(user.email, "ada@example.test");
    EXPECT_FALSE(user.email_verified);
    EXPECT_EQ(user.id.size(), 32u);

    auto& accounts = tables_.account;
    const auto rows = co_await db_.select(accounts).all();
    CO_ASSERT_TRUE(rows.size() == 1u);
    EXPECT_EQ(rows[0].provider_id, "credential");
    EXPECT_EQ(rows[0].issuer, "local:credential");
    EXPECT_EQ(rows[0].account_id, user.id);
    EXPECT_EQ(rows[0].user_id, user.id);
    EXPECT_EQ(rows[0].password, "$argon2id$fake-hash");

    auto found = co_await users_.find_credentials("ADA@example.test");
    CO_ASSERT_TRUE(found.has_value());
    EXPECT_EQ(found->user.id, user.id);
    EXPECT_EQ(found->password_hash, "$argon2id$fake-hash");
    auto missing = co_await users_.find_credentials("nobody@example.test");
    EXPECT_FALSE(missing.has_value());
  }());
}

TEST_F(UserStoreTest, ATakenEmailIsAConflictAndLeavesNothingHalfWritten) {
  testkit::run_async([this]() -> awaitable<void> {
    NewUser first{.name = "Ada", .email = "ada@example.test"};
    (void)co_await users_.create(std::move(first), "h1");
    NewUser again{.name = "Other", .email = "ADA@example.test"};
    bool conflict = false;
    try {
      (void)co_await users_.create(std::move(again), "h2");
    } catch (const infra::ConflictError&) {
      conflict = true;
    }
    EXPECT_TRUE(conflict);
    auto& accounts = tables_.account;
    const auto count = co_await db_.select(accounts).count();
    EXPECT_EQ(count, 1u) << "the failed sign-up's account was rolled back";
  }());
}

TEST_F(UserStoreTest, ChangesThePasswordAndDeletesWithSessions) {
  testkit::run_async([this]() -> awaitable<void> {
    NewUser ada{.name = "Ada", .email = "ada@example.test"};
    const auto user = co_await users_.create(std::move(ada), "old");
    EXPECT_TRUE(co_await users_.set_password(user.id, "new"));
    auto found = co_await users_.find_credentials("ada@example.test");
    CO_ASSERT_TRUE(found.has_value());
    EXPECT_EQ(found->password_hash, "new");
    EXPECT_FALSE(co_await users_.set_password("no-such-user", "x"));

    SessionStore sessions(db_);
    const auto session = co_await sessions.create(user.id);
    EXPECT_TRUE(co_await users_.remove(user.id));
    auto gone = co_await sessions.present(session.token);
    EXPECT_FALSE(gone.has_value()) << "the user's sessions go with it";
    auto nobody = co_await users_.find(user.id);
    EXPECT_FALSE(nobody.has_value());
  }());
}

}  // namespace
}  // namespace vibework::auth

namespace vibework::auth {
namespace {

// A Better-Auth 1.6 database: `account` without 1.7's issuer column.
TEST(UserStoreV16, ServesADatabaseWithoutTheIssuerColumn) {
  const auto config = test_support::migrated_database("vibework_test_auth_users_v16");
  testkit::run_async([&config]() -> awaitable<void> {
    mysql::Database db(config);
    co_await db.start();
    co_await db.execute("ALTER TABLE `account` DROP INDEX `account_issuer_accountId_uidx`, DROP COLUMN `issuer`");
    UserStore users(db);
    EXPECT_FALSE(co_await users.has_issuer_column());
    NewUser grace{.name = "Grace", .email = "grace@example.test"};
    const auto user = co_await users.create(std::move(grace), "$argon2id$first");
    auto found = co_await users.find_credentials("grace@example.test");
    CO_ASSERT_TRUE(found.has_value());
    EXPECT_EQ(found->password_hash, "$argon2id$first");
    EXPECT_TRUE(co_await users.set_password(user.id, "$argon2id$second"));
    EXPECT_EQ(co_await users.password_hash(user.id), "$argon2id$second");
    co_await db.stop();
  }());
}

TEST(UserStoreV16, A17DatabaseHasTheColumn) {
  const auto config = test_support::migrated_database("vibework_test_auth_users_v17");
  testkit::run_async([&config]() -> awaitable<void> {
    mysql::Database db(config);
    co_await db.start();
    UserStore users(db);
    EXPECT_TRUE(co_await users.has_issuer_column());
    co_await db.stop();
  }());
}

}  // namespace
}  // namespace vibework::auth

namespace vibework::auth {
namespace {

// The Better-Auth schema with camelCase columns, as Kysely's `npx auth migrate` and Prisma
// make it: our migration with every snake_case identifier camelCased.
std::string camel_case_schema() {
  std::ifstream in(std::string(std::getenv("VIBEWORK_SOURCE_DIR")) + "/migrations/0001_auth_schema.sql");
  std::stringstream sql;
  sql << in.rdbuf();
  const std::regex snake("`([a-z]+(?:_[a-z]+)+)`");
  std::string out, text = sql.str();
  auto it = std::sregex_iterator(text.begin(), text.end(), snake);
  std::size_t last = 0;
  for (; it != std::sregex_iterator(); ++it) {
    out += text.substr(last, static_cast<std::size_t>(it->position()) - last);
    std::string name = (*it)[1];
    std::string camel;
    for (std::size_t i = 0; i < name.size(); ++i) {
      if (name[i] == '_' && i + 1 < name.size()) camel += static_cast<char>(name[++i] - 'a' + 'A');
      else camel += name[i];
    }
    out += "`" + camel + "`";
    last = static_cast<std::size_t>(it->position() + it->length());
  }
  return out + text.substr(last);
}

TEST(CamelCaseSchema, UsersAndSessionsInAKyselyMadeDatabase) {
  auto config = mysql::test_support::fresh_database("vibework_test_auth_camel");
  config.camel_case_columns = true;
  testkit::run_async([&config]() -> awaitable<void> {
    mysql::Database db(config);
    co_await db.start();
    const auto schema = camel_case_schema();
    std::size_t start = 0;
    while (start < schema.size()) {  // one statement at a time; comments and blanks skipped
      const auto end = schema.find(';', start);
      const auto statement = schema.substr(start, end == std::string::npos ? std::string::npos : end - start);
      if (statement.find("CREATE") != std::string::npos) (void)co_await db.execute(statement);
      if (end == std::string::npos) break;
      start = end + 1;
    }
    const auto columns = co_await db.execute(
        "SELECT COUNT(*) FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND COLUMN_NAME = 'emailVerified'");
    const auto& count = columns.cell(0, 0);
    const auto n = std::holds_alternative<std::int64_t>(count) ? std::get<std::int64_t>(count)
                                                               : static_cast<std::int64_t>(std::get<std::uint64_t>(count));
    EXPECT_EQ(n, 1) << "the table really is camelCase";

    UserStore users(db);
    SessionStore sessions(db);
    NewUser ada{.name = "Ada", .email = "ada@example.test"};
    const auto user = co_await users.create(std::move(ada), "$argon2id$hash");
    const auto session = co_await sessions.create(user.id);
    auto found = co_await sessions.present(session.token);
    CO_ASSERT_TRUE(found.has_value());
    EXPECT_EQ(found->user.email, "ada@example.test");
    EXPECT_EQ(co_await users.password_hash(user.id), "$argon2id$hash");
    co_await db.stop();
  }());
}

}  // namespace
}  // namespace vibework::auth
