// Typed API against the local MariaDB: every column type, NULLs, unicode, operators,
// transactions, raw queries, the auth schema's exact email matching and configurable names.
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "vibework/infra/errors.hpp"
#include "vibework/mysql/database.hpp"
#include "vibework/mysql/migrations.hpp"
#include "vibework/mysql/query/declare_table.hpp"
#include "vibework/mysql/test_support.hpp"
#include "vibework/schema/auth_schema.hpp"
#include "vibework/testkit/co_assert.hpp"

using namespace vibework;
using namespace vibework::mysql;
using namespace std::chrono_literals;
using testkit::run_async;

namespace {

VIBEWORK_MYSQL_TABLE(Thing, ThingTable, "thing",
    (std::int64_t, id),
    (std::string, name),
    (std::optional<std::string>, note),
    (bool, active),
    (std::int32_t, small),
    (std::uint64_t, big_unsigned),
    (double, score),
    (TimePoint, at),
    (std::optional<TimePoint>, maybe_at),
    (boost::json::value, data),
    (std::optional<std::int64_t>, maybe_int))

TimePoint ms(std::int64_t epoch_ms) { return TimePoint(std::chrono::milliseconds(epoch_ms)); }

Thing make_thing(std::int64_t id) {
  Thing t;
  t.id = id;
  t.name = "thing " + std::to_string(id);
  t.note = "note " + std::to_string(id);
  t.active = id % 2 == 0;
  t.small = static_cast<std::int32_t>(-id);
  t.big_unsigned = UINT64_C(18446744073709551000) + static_cast<std::uint64_t>(id);
  t.score = static_cast<double>(id) + 0.25;
  t.at = ms(1'700'000'000'123 + id);
  t.maybe_at = ms(1'600'000'000'456);
  t.data = boost::json::parse(R"({"tags":["a","b"],"n":)" + std::to_string(id) + "}");
  t.maybe_int = id * 1000;
  return t;
}

void expect_same(const Thing& a, const Thing& b) {
  EXPECT_EQ(a.id, b.id);
  EXPECT_EQ(a.name, b.name);
  EXPECT_EQ(a.note, b.note);
  EXPECT_EQ(a.active, b.active);
  EXPECT_EQ(a.small, b.small);
  EXPECT_EQ(a.big_unsigned, b.big_unsigned);
  EXPECT_DOUBLE_EQ(a.score, b.score);
  EXPECT_EQ(a.at, b.at);
  EXPECT_EQ(a.maybe_at, b.maybe_at);
  EXPECT_EQ(a.data, b.data);
  EXPECT_EQ(a.maybe_int, b.maybe_int);
}

class MysqlQueryTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    config_ = new mysql::Config(test_support::fresh_database("vibework_test_mysql_query"));
    run_async([]() -> awaitable<void> {
      Database db(*config_);
      co_await db.execute(
          "CREATE TABLE thing (id BIGINT PRIMARY KEY, name VARCHAR(255) NOT NULL, note TEXT NULL, active BOOLEAN NOT "
          "NULL, small INT NOT NULL, big_unsigned BIGINT UNSIGNED NOT NULL, score DOUBLE NOT NULL, at DATETIME(3) NOT "
          "NULL, maybe_at DATETIME(3) NULL, data JSON NOT NULL, maybe_int BIGINT NULL)");
      co_await db.stop();
    }());
  }
  static void TearDownTestSuite() { delete config_; }

  void SetUp() override {
    run_async([this]() -> awaitable<void> { co_await db_.execute("DELETE FROM thing"); }());
  }
  void TearDown() override {
    run_async([this]() -> awaitable<void> { co_await db_.stop(); }());
  }

  static mysql::Config* config_;
  Database db_{*config_};
  ThingTable things_{TableNaming{}};
};
mysql::Config* MysqlQueryTest::config_ = nullptr;

TEST_F(MysqlQueryTest, InsertsAndSelectsEveryColumnType) {
  run_async([&]() -> awaitable<void> {
    const Thing full = make_thing(2);
    Thing nulls = make_thing(3);
    nulls.note.reset();
    nulls.maybe_at.reset();
    nulls.maybe_int.reset();
    EXPECT_EQ(co_await db_.insert(things_).values(full).execute(), 1u);
    EXPECT_EQ(co_await db_.insert(things_).values(nulls).execute(), 1u);

    auto got = co_await db_.select(things_).where(things_.id == 2).first();
    CO_ASSERT_TRUE(got.has_value());
    expect_same(*got, full);
    auto got_nulls = co_await db_.select(things_).where(things_.id == 3).first();
    CO_ASSERT_TRUE(got_nulls.has_value());
    expect_same(*got_nulls, nulls);
    EXPECT_FALSE((co_await db_.select(things_).where(things_.id == 99).first()).has_value());
  }());
}

TEST_F(MysqlQueryTest, InsertsManyRowsAtOnce) {
  run_async([&]() -> awaitable<void> {
    std::vector<Thing> rows;
    for (int i = 1; i <= 25; ++i) rows.push_back(make_thing(i));
    EXPECT_EQ(co_await db_.insert(things_).values(rows).execute(), 25u);
    EXPECT_EQ(co_await db_.select(things_).count(), 25u);
    const std::vector<Thing> none;
    EXPECT_EQ(co_await db_.insert(things_).values(none).execute(), 0u);
  }());
}

TEST_F(MysqlQueryTest, UnicodeAndEmojiRoundTrip) {
  run_async([&]() -> awaitable<void> {
    Thing t = make_thing(7);
    t.name = "Zoë 👩‍💻 日本語 🎉";
    t.note = "𝄞 music, ümlaut, emoji 😀";
    co_await db_.insert(things_).values(t).execute();
    auto got = co_await db_.select(things_).where(things_.name == "Zoë 👩‍💻 日本語 🎉").first();
    CO_ASSERT_TRUE(got.has_value());
    EXPECT_EQ(got->name, t.name);
    EXPECT_EQ(got->note, t.note);
  }());
}

TEST_F(MysqlQueryTest, UpdateReturnsMatchedRowsAndSetsNull) {
  run_async([&]() -> awaitable<void> {
    const std::vector<Thing> rows{make_thing(1), make_thing(2), make_thing(4)};
    co_await db_.insert(things_).values(rows).execute();
    const auto changed = co_await db_.update(things_)
                             .set(things_.name = "John", things_.note = std::nullopt, things_.active = true)
                             .where(things_.id >= 2)
                             .execute();
    EXPECT_EQ(changed, 2u);
    auto two = co_await db_.select(things_).where(things_.id == 2).first();
    EXPECT_EQ(two->name, "John");
    EXPECT_FALSE(two->note.has_value());
    // Matched rows count even when nothing changes (mysql2's affectedRows).
    EXPECT_EQ(co_await db_.update(things_).set(things_.name = "John").where(things_.id == 2).execute(), 1u);
    EXPECT_EQ(co_await db_.update(things_).set(things_.name = "x").where(things_.id == 404).execute(), 0u);
  }());
}

TEST_F(MysqlQueryTest, RemoveDeletesOnlyMatchingRows) {
  run_async([&]() -> awaitable<void> {
    const std::vector<Thing> rows{make_thing(1), make_thing(2), make_thing(3)};
    co_await db_.insert(things_).values(rows).execute();
    const auto one_and_three = things_.id.in({1, 3});  // (GCC 12: no braced lists inside co_await expressions)
    EXPECT_EQ(co_await db_.remove(things_).where(one_and_three).execute(), 2u);
    auto left = co_await db_.select(things_).all();
    EXPECT_EQ(left.size(), 1u);
    EXPECT_EQ(left.at(0).id, 2);
  }());
}

TEST_F(MysqlQueryTest, WhereOperatorsOrderLimitOffsetAndCount) {
  run_async([&]() -> awaitable<void> {
    std::vector<Thing> rows;
    for (int i = 1; i <= 10; ++i) rows.push_back(make_thing(i));
    rows[4].note.reset();  // id 5
    co_await db_.insert(things_).values(rows).execute();

    auto ids = [](const std::vector<Thing>& v) {
      std::vector<std::int64_t> out;
      for (const auto& t : v) out.push_back(t.id);
      return out;
    };
    using ::testing::ElementsAre;
    EXPECT_THAT(ids(co_await db_.select(things_).where(things_.id < 3).order_by(things_.id).all()), ElementsAre(1, 2));
    EXPECT_THAT(ids(co_await db_.select(things_).where(things_.id <= 2 || things_.id >= 10).order_by(things_.id).all()),
                ElementsAre(1, 2, 10));
    EXPECT_THAT(ids(co_await db_.select(things_).where(things_.id > 8 && things_.id != 9).all()), ElementsAre(10));
    EXPECT_THAT(ids(co_await db_.select(things_).where(not(things_.id > 1)).all()), ElementsAre(1));
    EXPECT_THAT(ids(co_await db_.select(things_).where(things_.note.is_null()).all()), ElementsAre(5));
    EXPECT_EQ(co_await db_.select(things_).where(things_.note.is_not_null()).count(), 9u);
    EXPECT_THAT(ids(co_await db_.select(things_).where(things_.name.like("thing 1%")).order_by(things_.id).all()),
                ElementsAre(1, 10));
    const std::vector<std::int64_t> some{3, 4, 99};
    EXPECT_THAT(ids(co_await db_.select(things_).where(things_.id.in(some)).all()),
                ElementsAre(3, 4));
    EXPECT_TRUE((co_await db_.select(things_).where(things_.id.in(std::vector<std::int64_t>{})).all()).empty());
    EXPECT_THAT(ids(co_await db_.select(things_).where(things_.active == true).order_by(things_.id.desc()).limit(2).all()),
                ElementsAre(10, 8));
    EXPECT_THAT(ids(co_await db_.select(things_).order_by(things_.id.asc()).limit(3).offset(4).all()),
                ElementsAre(5, 6, 7));
    EXPECT_THAT(ids(co_await db_.select(things_).where(and_(things_.score > 2.0, things_.at < ms(1'700'000'000'128),
                                                            things_.small >= -9))
                         .order_by(things_.id)
                         .all()),
                ElementsAre(2, 3, 4));
    EXPECT_EQ(co_await db_.select(things_).where(things_.maybe_int == 3000).count(), 1u);
    EXPECT_EQ(co_await db_.select(things_).count(), 10u);
  }());
}

TEST_F(MysqlQueryTest, TransactionCommitsOnSuccess) {
  run_async([&]() -> awaitable<void> {
    const int n = co_await db_.transaction([&](Transaction& tx) -> awaitable<int> {
      co_await tx.insert(things_).values(make_thing(1)).execute();
      co_await tx.insert(things_).values(make_thing(2)).execute();
      co_return static_cast<int>(co_await tx.select(things_).count());
    });
    EXPECT_EQ(n, 2);
    EXPECT_EQ(co_await db_.select(things_).count(), 2u);
  }());
}

TEST_F(MysqlQueryTest, TransactionRolledBackByAnExceptionLeavesNothing) {
  run_async([&]() -> awaitable<void> {
    bool thrown = false;
    try {
      co_await db_.transaction([&](Transaction& tx) -> awaitable<void> {
        co_await tx.insert(things_).values(make_thing(1)).execute();
        co_await tx.update(things_).set(things_.name = "changed").where(things_.id == 1).execute();
        EXPECT_EQ(co_await tx.select(things_).count(), 1u);  // visible inside
        throw std::runtime_error("boom");
      });
    } catch (const std::runtime_error& e) {
      thrown = std::string(e.what()) == "boom";
    }
    EXPECT_TRUE(thrown);
    EXPECT_EQ(co_await db_.select(things_).count(), 0u);
    // The connection went back to the pool clean: a new statement is not inside a transaction.
    co_await db_.insert(things_).values(make_thing(5)).execute();
    EXPECT_EQ(co_await db_.select(things_).count(), 1u);
  }());
}

TEST_F(MysqlQueryTest, AfterCommitHooksRunOnCommitOnly) {
  run_async([&]() -> awaitable<void> {
    int committed = 0, rolled_back = 0;
    co_await db_.transaction([&](Transaction& tx) -> awaitable<void> {
      co_await tx.insert(things_).values(make_thing(1)).execute();
      tx.after_commit([&] { ++committed; });
      EXPECT_EQ(committed, 0) << "not before the commit";
    });
    EXPECT_EQ(committed, 1);
    try {
      co_await db_.transaction([&](Transaction& tx) -> awaitable<void> {
        tx.after_commit([&] { ++rolled_back; });
        throw std::runtime_error("boom");
        co_return;
      });
    } catch (const std::runtime_error&) {
    }
    EXPECT_EQ(rolled_back, 0);
  }());
}

TEST_F(MysqlQueryTest, RawQueriesBindParameters) {
  run_async([&]() -> awaitable<void> {
    co_await db_.insert(things_).values(make_thing(1)).execute();
    const auto changed =
        co_await db_.execute("UPDATE thing SET name = ? WHERE id = ?", "it's \"quoted\"; DROP TABLE thing; --", 1);
    EXPECT_EQ(changed.affected_rows, 1u);
    const auto rows = co_await db_.query(things_, "SELECT * FROM thing WHERE id = ?", 1);
    EXPECT_EQ(rows.size(), 1u);
    EXPECT_EQ(rows.at(0).name, "it's \"quoted\"; DROP TABLE thing; --");
    const auto rs = co_await db_.execute("SELECT COUNT(*) AS n, NULL AS nothing");
    EXPECT_EQ(std::get<std::int64_t>(rs.cell(0, rs.column_index("n"))), 1);
    EXPECT_TRUE(is_null(rs.cell(0, 1)));
  }());
}

TEST_F(MysqlQueryTest, ClearErrorsForMisuse) {
  run_async([&]() -> awaitable<void> {
    co_await db_.insert(things_).values(make_thing(1)).execute();
    try {
      co_await db_.insert(things_).values(make_thing(1)).execute();
      ADD_FAILURE() << "duplicate insert succeeded";
    } catch (const infra::ConflictError& e) {
      EXPECT_THAT(e.what(), ::testing::HasSubstr("PRIMARY"));
      EXPECT_THAT(e.what(), ::testing::Not(::testing::HasSubstr("thing 1")));  // no row data in messages
    }
    try {
      co_await db_.execute("SELECT * FROM thing WHERE id = ?");
      ADD_FAILURE() << "missing parameter accepted";
    } catch (const infra::InvalidArgumentError&) {
    }
    try {
      co_await db_.execute("SELEC nonsense");
      ADD_FAILURE() << "syntax error accepted";
    } catch (const infra::QueryError& e) {
      EXPECT_THAT(e.what(), ::testing::HasSubstr("1064"));
    }
  }());
}

TEST_F(MysqlQueryTest, StatementsArePreparedOncePerConnection) {
  run_async([&]() -> awaitable<void> {
    co_await db_.select(things_).where(things_.id == 1).first();
    std::size_t before = 0;
    {
      auto lease = co_await db_.pool().acquire();
      before = lease->cached_statements();
    }
    for (int i = 0; i < 5; ++i) co_await db_.select(things_).where(things_.id == i).first();
    auto lease = co_await db_.pool().acquire();
    EXPECT_EQ(lease->cached_statements(), before);
  }());
}

// A cached statement keeps its parameter bindings between executions; they must follow values
// whose type, nullness or size changes from one execution to the next.
TEST_F(MysqlQueryTest, ReusedStatementFollowsChangingParameterTypes) {
  run_async([&]() -> awaitable<void> {
    const std::string sql = "SELECT ? AS v, ? IS NULL AS n";
    const std::string long_text(5000, 'x');
    const std::vector<Value> values = {Value(std::int64_t{-7}), Value(std::uint64_t{18446744073709551615u}),
                                       Value(std::monostate{}), Value(std::string("short")), Value(long_text),
                                       Value(std::string("again short")), Value(2.5), Value(ms(1'700'000'000'123)),
                                       Value(std::int64_t{42})};
    for (const Value& v : values) {
      std::vector<Value> params{v, v};
      const ResultSet rs = co_await db_.execute(sql, std::move(params));
      EXPECT_EQ(std::get<std::int64_t>(rs.cell(0, 1)), is_null(v) ? 1 : 0);
      if (const auto* text = std::get_if<std::string>(&v)) {
        EXPECT_EQ(std::get<std::string>(rs.cell(0, 0)), *text);
      } else if (const auto* i = std::get_if<std::int64_t>(&v)) {
        EXPECT_EQ(std::get<std::int64_t>(rs.cell(0, 0)), *i);
      } else if (const auto* u = std::get_if<std::uint64_t>(&v)) {
        EXPECT_EQ(std::get<std::uint64_t>(rs.cell(0, 0)), *u);
      } else if (is_null(v)) {
        EXPECT_TRUE(is_null(rs.cell(0, 0)));
      }
    }
    // One statement served all of them.
    auto lease = co_await db_.pool().acquire();
    EXPECT_GE(lease->cached_statements(), 1u);
  }());
}

// ---- the auth schema ----

TEST_F(MysqlQueryTest, AuthSchemaMatchesEmailsExactly) {
  run_async([&]() -> awaitable<void> {
    co_await apply_migrations(db_, std::string(std::getenv("VIBEWORK_SOURCE_DIR")) + "/migrations");
    schema::AuthSchema auth(*config_);
    const auto now = std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
    schema::User user{"u1", "Ada", "user@example.test", false, std::nullopt, now, now};
    co_await db_.insert(auth.user).values(user).execute();

    auto found = co_await db_.select(auth.user).where(auth.user.email == "user@example.test").first();
    CO_ASSERT_TRUE(found.has_value());
    EXPECT_EQ(found->created_at, now);
    EXPECT_EQ(found->name, "Ada");
    EXPECT_FALSE((co_await db_.select(auth.user).where(auth.user.email == "user@exämple.test").first()).has_value());
    EXPECT_FALSE((co_await db_.select(auth.user).where(auth.user.email == "USER@example.test").first()).has_value());

    schema::User twin = user;
    twin.id = "u2";
    try {
      co_await db_.insert(auth.user).values(twin).execute();
      ADD_FAILURE() << "duplicate email accepted";
    } catch (const infra::ConflictError& e) {
      EXPECT_THAT(e.what(), ::testing::HasSubstr("user_email_unique"));
    }
    twin.email = "user@exämple.test";  // a different address: allowed
    co_await db_.insert(auth.user).values(twin).execute();

    schema::Session s{"s1", now + std::chrono::hours(24), "tok", now, now, std::nullopt, "agent 🦊", "u1"};
    co_await db_.insert(auth.session).values(s).execute();
    schema::Account a{"a1", "local:credential", "u1", "credential", "u1", {}, {}, {}, {}, {}, {}, "hash", now, now};
    co_await db_.insert(auth.account).values(a).execute();
    // ON DELETE CASCADE from user
    co_await db_.remove(auth.user).where(auth.user.id == "u1").execute();
    EXPECT_EQ(co_await db_.select(auth.session).count(), 0u);
    EXPECT_EQ(co_await db_.select(auth.account).count(), 0u);
  }());
}

TEST_F(MysqlQueryTest, ExactComparisonHoldsOnCaseInsensitiveTablesMadeElsewhere) {
  run_async([&]() -> awaitable<void> {
    // As Better-Auth's Drizzle CLI would create it: the server's default (insensitive) collation.
    co_await db_.execute(
        "CREATE TABLE ci_user (id varchar(36) PRIMARY KEY, name varchar(255) NOT NULL, email varchar(255) NOT NULL "
        "UNIQUE, email_verified boolean NOT NULL DEFAULT false, image text, created_at timestamp(3) NOT NULL, "
        "updated_at timestamp(3) NOT NULL) DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci");
    schema::UserTable users(TableNaming{"ci_user", ColumnNaming::snake_case, {}});
    const auto now = std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
    // (GCC 12 mishandles braced temporaries inside a co_await expression: build values first.)
    const schema::User ada{"u1", "Ada", "user@example.test", true, "a.png", now, now};
    co_await db_.insert(users).values(ada).execute();
    // The collation alone would match these; the exact comparison does not.
    const auto loose = co_await db_.execute("SELECT COUNT(*) FROM ci_user WHERE email = 'user@exämple.test'");
    EXPECT_EQ(std::get<std::int64_t>(loose.cell(0, 0)), 1);
    EXPECT_FALSE((co_await db_.select(users).where(users.email == "user@exämple.test").first()).has_value());
    EXPECT_FALSE((co_await db_.select(users).where(users.email == "User@Example.test").first()).has_value());
    EXPECT_TRUE((co_await db_.select(users).where(users.email == "user@example.test").first()).has_value());
    const auto look_alikes = users.email.in({"user@exämple.test", "USER@example.test"});
    EXPECT_EQ(co_await db_.select(users).where(look_alikes).count(), 0u);
    EXPECT_EQ(co_await db_.select(users).where(users.email != "user@exämple.test").count(), 1u);
  }());
}

TEST_F(MysqlQueryTest, CamelCaseTablesFromKyselyOrPrisma) {
  run_async([&]() -> awaitable<void> {
    co_await db_.execute(
        "CREATE TABLE users (id varchar(36) PRIMARY KEY, name varchar(255) NOT NULL, email varchar(255) NOT NULL "
        "UNIQUE, emailVerified boolean NOT NULL, image text, createdAt timestamp(3) NOT NULL, updatedAt timestamp(3) "
        "NOT NULL) DEFAULT CHARSET=utf8mb4");
    mysql::Config named = *config_;
    named.camel_case_columns = true;
    named.table_user = "users";
    schema::AuthSchema auth(named);
    EXPECT_EQ(auth.user.email_verified.name(), "emailVerified");
    const auto now = std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
    const schema::User bo{"u9", "Bo", "bo@example.test", true, {}, now, now};
    co_await db_.insert(auth.user).values(bo).execute();
    auto got = co_await db_.select(auth.user).where(auth.user.email_verified == true).first();
    CO_ASSERT_TRUE(got.has_value());
    EXPECT_EQ(got->email, "bo@example.test");
  }());
}

}  // namespace
