// Unit tests: SQL built by the typed layer, naming, statement splitting, config. No server.
#include <map>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "vibework/infra/errors.hpp"
#include "vibework/mysql/errors.hpp"
#include "vibework/mysql/migrations.hpp"
#include "vibework/mysql/query/builders.hpp"
#include "vibework/schema/auth_schema.hpp"

using namespace vibework;
using namespace vibework::mysql;
using ::testing::ElementsAre;

namespace {

TEST(MysqlNaming, CamelCaseConversion) {
  EXPECT_EQ(infra::describe::to_camel_case("email_verified"), "emailVerified");
  EXPECT_EQ(infra::describe::to_camel_case("access_token_expires_at"), "accessTokenExpiresAt");
  EXPECT_EQ(infra::describe::to_camel_case("id"), "id");
  EXPECT_EQ(quote_identifier("we`ird"), "`we``ird`");
}

TEST(MysqlNaming, TablesFollowConfiguredNames) {
  schema::UserTable snake(TableNaming{});
  EXPECT_EQ(snake.table_name(), "user");
  EXPECT_EQ(snake.select_list(), "`id`, `name`, `email`, `email_verified`, `image`, `created_at`, `updated_at`");
  schema::AccountTable camel(TableNaming{"accounts", ColumnNaming::camel_case, {{"password", "pw_hash"}}});
  EXPECT_EQ(camel.quoted_table_name(), "`accounts`");
  EXPECT_EQ(camel.account_id.name(), "accountId");
  EXPECT_EQ(camel.refresh_token_expires_at.name(), "refreshTokenExpiresAt");
  EXPECT_EQ(camel.password.name(), "pw_hash");
}

TEST(MysqlConditions, ValuesBecomeParametersNeverText) {
  schema::UserTable users(TableNaming{});
  auto c = users.name == "Robert'); DROP TABLE user;--" && (users.email_verified == true || users.image.is_null());
  EXPECT_EQ(c.sql, "(`name` = ? AND (`email_verified` = ? OR `image` IS NULL))");
  ASSERT_EQ(c.params.size(), 2u);
  EXPECT_EQ(std::get<std::string>(c.params[0]), "Robert'); DROP TABLE user;--");
  EXPECT_EQ(std::get<std::int64_t>(c.params[1]), 1);

  auto n = !(users.created_at >= TimePoint{});
  EXPECT_EQ(n.sql, "(NOT `created_at` >= ?)");
}

TEST(MysqlConditions, ExactColumnsCompareBytes) {
  schema::UserTable users(TableNaming{});
  auto c = users.email == "a@b.test";
  EXPECT_EQ(c.sql, "(`email` = ? AND `email` = CAST(? AS BINARY))");
  EXPECT_EQ(c.params.size(), 2u);
  auto in = users.email.in({"a", "b"});
  EXPECT_EQ(in.sql, "(`email` IN (?, ?) AND CAST(`email` AS BINARY) IN (?, ?))");
  EXPECT_EQ(in.params.size(), 4u);
  EXPECT_EQ((users.name == "x").sql, "`name` = ?");  // collation columns stay plain
}

TEST(MysqlConditions, AssignmentsAndOrderings) {
  schema::UserTable users(TableNaming{});
  auto a = (users.name = "John");
  EXPECT_EQ(a.sql, "`name` = ?");
  auto b = (users.image = std::nullopt);
  EXPECT_TRUE(is_null(b.value));
  EXPECT_EQ(users.created_at.desc().sql, "`created_at` DESC");
}

TEST(MysqlMigrations, SplitsStatementsOutsideQuotesAndComments) {
  const std::string sql =
      "-- a comment; with a semicolon\n"
      "CREATE TABLE a (x TEXT DEFAULT 'semi;colon', y TEXT DEFAULT 'it''s');\n"
      "/* block; comment */ INSERT INTO a VALUES (\"q;\", `b;`);\n"
      "# hash comment;\n"
      "  \n";
  auto parts = split_sql_statements(sql);
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(parts[0], "CREATE TABLE a (x TEXT DEFAULT 'semi;colon', y TEXT DEFAULT 'it''s')");
  EXPECT_EQ(parts[1], "INSERT INTO a VALUES (\"q;\", `b;`)");
}

TEST(MysqlMigrations, LoadsTheRepositoryMigrationsInOrder) {
  const auto files = load_migrations(std::string(std::getenv("VIBEWORK_SOURCE_DIR")) + "/migrations");
  ASSERT_FALSE(files.empty());
  EXPECT_EQ(files.front().name, "0001_auth_schema.sql");
  EXPECT_EQ(files.front().checksum.size(), 64u);
  EXPECT_EQ(split_sql_statements(files.front().sql).size(), 4u);
}

TEST(MysqlParams, RawParametersConvertFromCppValues) {
  EXPECT_EQ(std::get<std::string>(to_param("x")), "x");
  EXPECT_EQ(std::get<std::int64_t>(to_param(true)), 1);
  EXPECT_EQ(std::get<std::uint64_t>(to_param(std::uint64_t{7})), 7u);
  EXPECT_TRUE(is_null(to_param(std::optional<int>{})));
  EXPECT_TRUE(is_null(to_param(std::nullopt)));
}

// A value too long for its column (strict mode) is the caller's mistake: 400, not a 500.
TEST(MysqlErrors, DataTooLongIsAnInvalidArgumentNamingTheColumn) {
  try {
    throw_mysql_error(1406, "22001", "Data too long for column 'name' at row 1", "127.0.0.1:3306");
  } catch (const infra::InvalidArgumentError& e) {
    EXPECT_EQ(e.message(), "the value for column 'name' is too long");
  } catch (const std::exception& e) {
    ADD_FAILURE() << "another error: " << e.what();
  }
  // MariaDB's answer to multi-byte text longer than a TEXT column.
  try {
    throw_mysql_error(1366, "22007", "Incorrect string value: '\\xC3\\x85...' for column `db`.`user`.`image` at row 1",
                      "127.0.0.1:3306");
  } catch (const infra::InvalidArgumentError& e) {
    EXPECT_EQ(e.message(), "the value for column 'image' does not fit it (too long, or not of its type)");
  } catch (const std::exception& e) {
    ADD_FAILURE() << "another error: " << e.what();
  }
}

}  // namespace

#include "vibework/mysql/metrics.hpp"

TEST(MysqlMetrics, StatementKindIsTheFirstKeyword) {
  EXPECT_EQ(statement_kind("SELECT 1"), StatementKind::select);
  EXPECT_EQ(statement_kind("  (select a from t) union (select b from u)"), StatementKind::select);
  EXPECT_EQ(statement_kind("WITH x AS (SELECT 1) SELECT * FROM x"), StatementKind::select);
  EXPECT_EQ(statement_kind("insert into `user` values (?)"), StatementKind::insert);
  EXPECT_EQ(statement_kind("UPDATE t SET a=?"), StatementKind::update);
  EXPECT_EQ(statement_kind("DELETE FROM t"), StatementKind::delete_);
  EXPECT_EQ(statement_kind("START TRANSACTION"), StatementKind::other);
  EXPECT_EQ(statement_kind("selection"), StatementKind::other);
  EXPECT_EQ(statement_kind(""), StatementKind::other);
}
