// Integration tests of cache-aside against the shared Redis: single flight, TTL,
// invalidation, not-found, loader errors, corrupt entries, and degrading to the loader when
// Redis is unreachable. Ends with the original's getCachedUser / updateUser pattern.
#include "vibework/redis/cache.hpp"

#include <atomic>

#include <boost/asio/steady_timer.hpp>
#include <boost/describe.hpp>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "vibework/redis/test_support.hpp"
#include "vibework/testkit/eventually.hpp"
#include "vibework/testkit/log_watch.hpp"

using namespace vibework;
using namespace vibework::infra;
using namespace std::chrono_literals;
using testing::HasSubstr;

namespace cache_test {

struct Profile {
  std::string id;
  std::string name;
  int visits = 0;
  std::optional<std::string> bio;
};
BOOST_DESCRIBE_STRUCT(Profile, (), (id, name, visits, bio))

bool operator==(const Profile& a, const Profile& b) {
  return a.id == b.id && a.name == b.name && a.visits == b.visits && a.bio == b.bio;
}

class RedisCacheTest : public testing::Test {
 protected:
  static void SetUpTestSuite() {
    runtime_ = new infra::Runtime(RuntimeOptions{.io_threads = 2, .blocking_threads = 1});
    runtime_->start();
    client_ = std::make_shared<redis::Client>(redis::test::shared_config(), *runtime_);
    try {
      testkit::run_async(client_->start());
    } catch (const std::exception& e) {
      FAIL() << "the shared Redis must be running for this suite (scripts/services start): " << e.what();
    }
  }
  static void TearDownTestSuite() {
    testkit::run_async([]() -> awaitable<void> {
      auto keys = co_await client_->scan_all(prefix() + "*");
      co_await client_->del(keys);
      co_await client_->stop();
    }());
    client_.reset();
    delete runtime_;
  }
  static std::string prefix() { return redis::test::unique_prefix("cache"); }

  static inline infra::Runtime* runtime_ = nullptr;
  static inline std::shared_ptr<redis::Client> client_;
};

awaitable<void> sleep_for(std::chrono::milliseconds d) {
  boost::asio::steady_timer t(co_await asio::this_coro::executor, d);
  co_await t.async_wait(use_awaitable);
}

TEST_F(RedisCacheTest, HundredConcurrentMissesRunTheLoaderOnce) {
  redis::Cache cache(*client_, {.prefix = prefix()});
  std::atomic<int> loads{0};
  auto get = [&]() -> awaitable<Profile> {
    auto loader = [&]() -> awaitable<Profile> {
      ++loads;
      // A slow database: it answers once the 99 other callers are waiting for this load.
      auto everyone_waits = [&] { return cache.stats().coalesced == 99; };
      co_await testkit::eventually_async(everyone_waits, 30s);
      co_return Profile{"42", "Ada", 7, std::nullopt};
    };
    co_return co_await cache.get_or_load<Profile>("profile:42", 300s, loader);
  };
  // 100 callers spread over both I/O threads and a foreign io_context, all at once.
  std::vector<std::future<Profile>> results;
  asio::io_context foreign;
  for (int i = 0; i < 100; ++i) {
    auto& ctx = i % 3 == 2 ? foreign : runtime_->io_context(i % 3);
    results.push_back(asio::co_spawn(ctx, get(), asio::use_future));
  }
  foreign.run();
  for (auto& r : results) EXPECT_EQ(r.get(), (Profile{"42", "Ada", 7, std::nullopt}));
  EXPECT_EQ(loads.load(), 1);
  EXPECT_EQ(cache.stats().loads, 1u);
  EXPECT_EQ(cache.stats().coalesced, 99u);

  // Stored as JSON of the described struct, with the TTL asked for.
  auto stored = testkit::run_async(client_->get(prefix() + "profile:42"));
  ASSERT_TRUE(stored);
  EXPECT_EQ(*stored, R"({"id":"42","name":"Ada","visits":7,"bio":null})");
  auto ttl = testkit::run_async(client_->ttl(prefix() + "profile:42"));
  EXPECT_EQ(ttl.state, redis::KeyTtl::State::expiring);
  EXPECT_GT(ttl.remaining, 290s);
  EXPECT_LE(ttl.remaining, 300s);
}

TEST_F(RedisCacheTest, HitsComeFromRedisAndInvalidationReloads) {
  redis::Cache cache(*client_, {.prefix = prefix()});
  int loads = 0;
  std::string name = "first";
  auto get = [&]() -> awaitable<Profile> {
    auto loader = [&]() -> awaitable<Profile> {
      ++loads;
      co_return Profile{"7", name, loads, "bio"};
    };
    co_return co_await cache.get_or_load<Profile>("profile:7", 60s, loader);
  };
  EXPECT_EQ(testkit::run_async(get()).name, "first");
  name = "second";
  EXPECT_EQ(testkit::run_async(get()).name, "first");  // a hit: the loader is not called
  EXPECT_EQ(loads, 1);
  EXPECT_EQ(testkit::run_async(cache.invalidate("profile:7")), 1);
  EXPECT_EQ(testkit::run_async(get()).name, "second");
  EXPECT_EQ(loads, 2);
  EXPECT_EQ(cache.stats().hits, 1u);
  EXPECT_EQ(testkit::run_async(cache.invalidate("profile:7", "profile:none")), 1);
}

TEST_F(RedisCacheTest, ShortTtlExpires) {
  redis::Cache cache(*client_, {.prefix = prefix()});
  int loads = 0;
  auto get = [&]() -> awaitable<Profile> {
    auto loader = [&]() -> awaitable<Profile> {
      ++loads;
      co_return Profile{"t", "ttl", loads, {}};
    };
    co_return co_await cache.get_or_load<Profile>("profile:ttl", 1s, loader);
  };
  testkit::run_async(get());
  testkit::run_async(get());
  EXPECT_EQ(loads, 1);
  // The scenario, not a wait for an event: the 1 s TTL runs out (Redis expires by its own clock).
  testkit::run_async(sleep_for(1100ms));
  testkit::run_async(get());
  EXPECT_EQ(loads, 2);
}

TEST_F(RedisCacheTest, NotFoundIsReturnedButNotCached) {
  redis::Cache cache(*client_, {.prefix = prefix()});
  int loads = 0;
  auto get = [&]() -> awaitable<std::optional<Profile>> {
    auto loader = [&]() -> awaitable<std::optional<Profile>> {
      ++loads;
      co_return std::nullopt;
    };
    co_return co_await cache.get_or_load<Profile>("profile:missing", 60s, loader);
  };
  EXPECT_EQ(testkit::run_async(get()), std::nullopt);
  EXPECT_EQ(testkit::run_async(get()), std::nullopt);
  EXPECT_EQ(loads, 2);
  EXPECT_EQ(testkit::run_async(client_->exists(prefix() + "profile:missing")), 0);
}

TEST_F(RedisCacheTest, LoaderErrorsReachEveryWaiterAndAreNotCached) {
  redis::Cache cache(*client_, {.prefix = prefix()});
  std::atomic<int> loads{0};
  auto get = [&]() -> awaitable<Profile> {
    auto loader = [&]() -> awaitable<Profile> {
      ++loads;
      auto everyone_waits = [&] { return cache.stats().coalesced == 9; };  // the other callers
      co_await testkit::eventually_async(everyone_waits, 30s);
      throw infra::NotFoundError("mysql", "user 9 does not exist");
    };
    co_return co_await cache.get_or_load<Profile>("profile:err", 60s, loader);
  };
  std::vector<std::future<Profile>> results;
  for (int i = 0; i < 10; ++i) results.push_back(asio::co_spawn(runtime_->io_context(i % 2), get(), asio::use_future));
  for (auto& r : results) EXPECT_THROW(r.get(), infra::NotFoundError);
  EXPECT_EQ(loads.load(), 1);
  EXPECT_EQ(testkit::run_async(client_->exists(prefix() + "profile:err")), 0);
}

TEST_F(RedisCacheTest, AnEntryThatNoLongerParsesIsReloaded) {
  redis::Cache cache(*client_, {.prefix = prefix()});
  testkit::run_async(client_->set(prefix() + "profile:old", R"({"id":"1","fullName":"old shape"})"));
  auto loader = []() -> awaitable<Profile> { co_return Profile{"1", "new shape", 0, {}}; };
  auto p = testkit::run_async(cache.get_or_load<Profile>("profile:old", 60s, loader));
  EXPECT_EQ(p.name, "new shape");
  auto stored = testkit::run_async(client_->get(prefix() + "profile:old"));
  ASSERT_TRUE(stored);
  EXPECT_THAT(*stored, HasSubstr("new shape"));
}

TEST_F(RedisCacheTest, InvalidationDuringALoadKeepsTheStaleValueOut) {
  redis::Cache cache(*client_, {.prefix = prefix()});
  std::atomic<bool> loading{false}, invalidated{false};
  auto loader = [&]() -> awaitable<Profile> {
    loading = true;
    auto released = [&] { return invalidated.load(); };
    co_await testkit::eventually_async(released, 30s);  // the load stays in flight until then
    co_return Profile{"5", "read before the update", 0, {}};
  };
  auto pending = asio::co_spawn(runtime_->io_context(0), cache.get_or_load<Profile>("profile:5", 60s, loader),
                                asio::use_future);
  EXPECT_TRUE(testkit::eventually([&] { return loading.load(); }, 30s)) << "the load never started";
  testkit::run_async(cache.invalidate("profile:5"));
  invalidated = true;
  EXPECT_EQ(pending.get().name, "read before the update");  // the caller still gets an answer
  EXPECT_EQ(testkit::run_async(client_->exists(prefix() + "profile:5")), 0);  // but it was not stored
}

// Redis unreachable: every call is served by the loader, and the outage is logged once.
TEST_F(RedisCacheTest, DegradesToTheLoaderWhenRedisIsDownAndLogsOnce) {
  testkit::LogWatch outage_logged("serving from the loaders");
  {
    // A server that is started, then killed: the client exists, Redis is gone.
    redis::test::PrivateRedisServer server;
    auto config = redis::test::private_config(server.url());
    auto down = std::make_shared<redis::Client>(config, *runtime_);
    testkit::run_async(down->start());
    server.kill();
    redis::Cache cache(*down, {.prefix = prefix()});
    int loads = 0;
    for (int i = 0; i < 20; ++i) {
      auto loader = [&]() -> awaitable<Profile> {
        ++loads;
        co_return Profile{"d", "from the database", i, {}};
      };
      auto p = testkit::run_async(cache.get_or_load<Profile>("profile:down", 60s, loader));
      EXPECT_EQ(p.visits, i);
    }
    EXPECT_EQ(loads, 20);
    EXPECT_EQ(cache.stats().redis_errors, 20u);
    testkit::run_async(down->stop());
  }
  EXPECT_EQ(outage_logged.count(), 1);
}

// --- the original's getCachedUser / updateUser ------------------------------------------------
// The MySQL layer is written on another branch; until it lands this uses a plain in-memory
// table as the loader. The cache code is what the service will run.

struct User {
  std::string id;
  std::string name;
  std::string email;
  TimePoint updatedAt;
};
BOOST_DESCRIBE_STRUCT(User, (), (id, name, email, updatedAt))

class UsersTable {  // stands in for db.query.users
 public:
  awaitable<std::optional<User>> find(const std::string& id) {
    ++reads;
    auto it = rows.find(id);
    if (it == rows.end()) co_return std::nullopt;
    co_return it->second;
  }
  awaitable<void> update(const std::string& id, const std::string& name) {
    rows.at(id).name = name;
    rows.at(id).updatedAt = std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
    co_return;
  }
  std::map<std::string, User> rows;
  int reads = 0;
};

class UserService {
 public:
  UserService(redis::Cache& cache, UsersTable& users) : cache_(cache), users_(users) {}

  // getCachedUser: user by id, cached for 5 minutes; a missing user is not cached.
  awaitable<std::optional<User>> get_cached_user(const std::string& user_id) {
    auto loader = [&]() { return users_.find(user_id); };
    co_return co_await cache_.get_or_load<User>("user:" + user_id, std::chrono::seconds(300), loader);
  }
  // updateUser: write, then invalidate.
  awaitable<void> update_user(const std::string& user_id, const std::string& name) {
    co_await users_.update(user_id, name);
    co_await cache_.invalidate("user:" + user_id);
  }

 private:
  redis::Cache& cache_;
  UsersTable& users_;
};

TEST_F(RedisCacheTest, GetCachedUserAndUpdateUserLikeTheOriginal) {
  redis::Cache cache(*client_, {.prefix = prefix()});
  UsersTable table;
  table.rows["u1"] = User{"u1", "Grace", "grace@example.com",
                          std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now())};
  UserService service(cache, table);

  auto first = testkit::run_async(service.get_cached_user("u1"));
  ASSERT_TRUE(first);
  EXPECT_EQ(first->name, "Grace");
  auto second = testkit::run_async(service.get_cached_user("u1"));
  ASSERT_TRUE(second);
  EXPECT_EQ(second->updatedAt, first->updatedAt);  // timestamps survive the JSON round trip
  EXPECT_EQ(table.reads, 1);
  auto ttl = testkit::run_async(client_->ttl(prefix() + "user:u1"));
  EXPECT_GT(ttl.remaining, 290s);

  testkit::run_async(service.update_user("u1", "Grace Hopper"));
  auto third = testkit::run_async(service.get_cached_user("u1"));
  ASSERT_TRUE(third);
  EXPECT_EQ(third->name, "Grace Hopper");
  EXPECT_EQ(table.reads, 2);

  EXPECT_FALSE(testkit::run_async(service.get_cached_user("nobody")));
}

}  // namespace cache_test
