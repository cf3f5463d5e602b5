// Redis: the original's ioredis examples, and its cache-aside pattern over the MySQL user table.
#include "examples.hpp"
#include "schema.hpp"

namespace quickstart {

namespace redis = vibework::redis;

// snippet:cache-aside
// The original's getCachedUser / updateUser: read through Redis (5 minutes), invalidate on update.
class UserService {
 public:
  UserService(mysql::Database& db, redis::Cache& cache) : db_(db), cache_(cache), users_(db.naming()) {}

  awaitable<std::optional<User>> get_cached_user(const std::string& user_id) {
    auto load = [this, &user_id]() -> awaitable<std::optional<User>> {
      co_return co_await db_.select(users_).where(users_.id == user_id).first();
    };
    co_return co_await cache_.get_or_load<User>("user:" + user_id, 300s, load);
  }

  awaitable<std::uint64_t> update_user(const std::string& user_id, const std::string& name) {
    const auto changed = co_await db_.update(users_).set(users_.name = name).where(users_.id == user_id).execute();
    co_await cache_.invalidate("user:" + user_id);
    co_return changed;
  }

 private:
  mysql::Database& db_;
  redis::Cache& cache_;
  UserTable users_;
};
// snippet-end

awaitable<void> cache_example(redis::Client& redis, mysql::Database& db, std::string run_id) {
  const std::string key = "quickstart:user:" + run_id;
  const std::string user_data = R"({"id":"user-)" + run_id + R"(","name":"Ada"})";

  // snippet:redis
  // Set value (5 minute TTL)
  co_await redis.setex(key, 300s, user_data);

  // Get value
  std::optional<std::string> cached = co_await redis.get(key);
  expect(cached == user_data, "GET to return what SETEX stored");

  // Delete value
  co_await redis.del(key);
  // snippet-end
  expect(!(co_await redis.get(key)), "the key to be gone after DEL");

  // Cache-aside on a user of its own, under a key prefix of its own.
  UserTable users(db.naming());
  const std::string id = "cached-" + run_id;
  const auto now = std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
  User ada{.id = id, .email = id + "@example.com", .password = "hashed_password", .name = "Ada", .created_at = now};
  co_await db.insert(users).values(ada).execute();

  redis::Cache cache(redis, {.prefix = "quickstart:" + run_id + ":"});
  UserService service(db, cache);
  auto first = co_await service.get_cached_user(id);
  expect(first && first->name == "Ada", "get_cached_user to read the user from MySQL");
  expect((co_await redis.exists(cache.prefix() + "user:" + id)) == 1, "get_cached_user to store the user in Redis");
  expect((co_await service.update_user(id, "Ada Lovelace")) == 1, "update_user to change one row");
  expect((co_await redis.exists(cache.prefix() + "user:" + id)) == 0, "update_user to invalidate the cached user");
  auto second = co_await service.get_cached_user(id);
  expect(second && second->name == "Ada Lovelace", "get_cached_user to see the update");

  co_await cache.invalidate("user:" + id);
  co_await db.remove(users).where(users.id == id).execute();
}

}  // namespace quickstart
