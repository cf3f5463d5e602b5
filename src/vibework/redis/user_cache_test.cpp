// The original's getCachedUser / updateUser, on the real `user` table (MariaDB, the auth
// schema's migration) and the shared Redis:
//
//   getCachedUser(id): redis GET user:<id>, else SELECT the user and SETEX it for 300 s
//   updateUser(id, data): UPDATE the user, then DEL user:<id>
//
// written with redis::Cache::get_or_load (single flight, degrade on Redis failure) and the
// typed MySQL queries. Uses its own database and key prefix.
#include <atomic>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "vibework/mysql/database.hpp"
#include "vibework/mysql/migrations.hpp"
#include "vibework/mysql/test_support.hpp"
#include "vibework/redis/cache.hpp"
#include "vibework/redis/test_support.hpp"
#include "vibework/schema/user.hpp"
#include "vibework/testkit/co_assert.hpp"

using namespace vibework;
using namespace vibework::infra;
using namespace std::chrono_literals;

namespace user_cache_test {

// What an application writes on top of the layer: the original's two functions.
class UserService {
 public:
  UserService(mysql::Database& db, redis::Cache& cache) : db_(db), cache_(cache) {}

  awaitable<std::optional<schema::User>> get_cached_user(const std::string& user_id) {
    auto loader = [this, &user_id]() -> awaitable<std::optional<schema::User>> {
      ++database_reads;
      co_return co_await db_.select(users_).where(users_.id == user_id).first();
    };
    co_return co_await cache_.get_or_load<schema::User>("user:" + user_id, 300s, loader);
  }

  awaitable<std::uint64_t> update_user(const std::string& user_id, const std::string& name) {
    const auto now = std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
    const auto changed =
        co_await db_.update(users_).set(users_.name = name, users_.updated_at = now).where(users_.id == user_id).execute();
    co_await cache_.invalidate("user:" + user_id);
    co_return changed;
  }

  std::atomic<int> database_reads{0};

 private:
  mysql::Database& db_;
  redis::Cache& cache_;
  schema::UserTable users_{mysql::TableNaming{}};
};

TEST(RedisUserCache, GetCachedUserAndUpdateUserOnTheRealUserTable) {
  mysql::Database db(mysql::test_support::fresh_database("vibework_redis_user_cache"));
  infra::Runtime runtime(RuntimeOptions{.io_threads = 2, .blocking_threads = 1});
  runtime.start();
  auto redis_client = std::make_shared<redis::Client>(redis::test::shared_config(), runtime);
  try {
    testkit::run_async(db.start());
    testkit::run_async(redis_client->start());
  } catch (const std::exception& e) {
    FAIL() << "MariaDB and Redis must be running for this test (scripts/services start): " << e.what();
  }
  const char* source_dir = std::getenv("VIBEWORK_SOURCE_DIR");
  ASSERT_NE(source_dir, nullptr) << "run it through ctest, which sets VIBEWORK_SOURCE_DIR (the migrations live there)";
  const std::string prefix = redis::test::unique_prefix("usercache");
  redis::Cache cache(*redis_client, {.prefix = prefix});
  UserService service(db, cache);
  schema::UserTable users{mysql::TableNaming{}};

  testkit::run_async([&]() -> awaitable<void> {
    co_await mysql::apply_migrations(db, std::string(source_dir) + "/migrations");
    const auto now = std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
    schema::User ada{"u-1", "Ada", "ada@example.test", true, std::nullopt, now, now};
    co_await db.insert(users).values(ada).execute();

    // Miss: read from MySQL, stored in Redis as JSON for 300 s.
    auto first = co_await service.get_cached_user("u-1");
    CO_ASSERT_TRUE(first.has_value());
    EXPECT_EQ(first->name, "Ada");
    EXPECT_EQ(first->created_at, now);
    EXPECT_EQ(service.database_reads.load(), 1);
    auto stored = co_await redis_client->get(prefix + "user:u-1");
    CO_ASSERT_TRUE(stored.has_value());
    EXPECT_THAT(*stored, testing::HasSubstr("\"email\":\"ada@example.test\""));
    auto ttl = co_await redis_client->ttl(prefix + "user:u-1");
    EXPECT_GT(ttl.remaining, 290s);

    // Hit: MySQL is not asked (even though the row changes behind the cache's back).
    co_await db.update(users).set(users.name = "changed behind the cache").where(users.id == "u-1").execute();
    auto second = co_await service.get_cached_user("u-1");
    CO_ASSERT_TRUE(second.has_value());
    EXPECT_EQ(second->name, "Ada");
    EXPECT_EQ(second->updated_at, first->updated_at);
    EXPECT_EQ(service.database_reads.load(), 1);

    // updateUser invalidates: the next read sees the new row.
    EXPECT_EQ(co_await service.update_user("u-1", "Ada Lovelace"), 1u);
    EXPECT_EQ(co_await redis_client->exists(prefix + "user:u-1"), 0);
    auto third = co_await service.get_cached_user("u-1");
    CO_ASSERT_TRUE(third.has_value());
    EXPECT_EQ(third->name, "Ada Lovelace");
    EXPECT_GT(third->updated_at, first->updated_at);
    EXPECT_EQ(service.database_reads.load(), 2);

    // A user that does not exist is not cached.
    EXPECT_FALSE((co_await service.get_cached_user("nobody")).has_value());
    EXPECT_EQ(co_await redis_client->exists(prefix + "user:nobody"), 0);

    co_await redis_client->del(prefix + "user:u-1");
    co_await redis_client->stop();
    co_await db.stop();
  }());
}

}  // namespace user_cache_test
