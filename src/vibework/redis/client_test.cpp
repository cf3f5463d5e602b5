// Integration tests of every command against the shared Redis (REDIS_URL, default
// redis://localhost:6379). Keys live under a per-process prefix and are deleted at the end.
#include "vibework/redis/client.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "vibework/infra/errors.hpp"
#include "vibework/infra/health.hpp"
#include "vibework/infra/lifecycle.hpp"
#include "vibework/redis/test_support.hpp"
#include "vibework/testkit/co_assert.hpp"

using namespace vibework;
using namespace vibework::infra;
using namespace std::chrono_literals;
using namespace std::string_literals;
using redis::test::run_on;
using testing::HasSubstr;

namespace {

class RedisClientTest : public testing::Test {
 protected:
  static void SetUpTestSuite() {
    runtime_ = new infra::Runtime(RuntimeOptions{.io_threads = 2, .blocking_threads = 1});
    runtime_->start();
    readiness_ = new infra::Readiness(5s);
    lifecycle_ = new infra::Lifecycle(*readiness_);
    client_ = lifecycle_->add(std::make_shared<redis::Client>(redis::test::shared_config(), *runtime_));
    try {
      testkit::run_async(lifecycle_->start_all());
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
    delete lifecycle_;
    delete readiness_;
    delete runtime_;
  }
  static std::string prefix() { return redis::test::unique_prefix("client"); }
  static std::string key(std::string_view name) { return prefix() + std::string(name); }
  template <typename T>
  static T run(awaitable<T> task) {
    return testkit::run_async(std::move(task));
  }

  static inline infra::Runtime* runtime_ = nullptr;
  static inline infra::Readiness* readiness_ = nullptr;
  static inline infra::Lifecycle* lifecycle_ = nullptr;
  static inline std::shared_ptr<redis::Client> client_;
};

TEST_F(RedisClientTest, GetSetDelExists) {
  run([]() -> awaitable<void> {
    auto& c = *client_;
    const auto k = key("plain");
    EXPECT_EQ(co_await c.get(k), std::nullopt);
    EXPECT_TRUE(co_await c.set(k, "v1"));
    EXPECT_EQ(co_await c.get(k), "v1");
    EXPECT_EQ(co_await c.exists(k, key("absent")), 1);
    EXPECT_EQ(co_await c.del(k, key("absent")), 1);
    EXPECT_EQ(co_await c.get(k), std::nullopt);
  }());
}

TEST_F(RedisClientTest, SetConditionsAndExpiry) {
  run([]() -> awaitable<void> {
    auto& c = *client_;
    const auto k = key("cond");
    EXPECT_FALSE(co_await c.set(k, "x", {.condition = redis::SetCondition::xx}));  // absent: XX fails
    EXPECT_TRUE(co_await c.set(k, "a", {.ttl = 100s, .condition = redis::SetCondition::nx}));
    EXPECT_FALSE(co_await c.set(k, "b", {.condition = redis::SetCondition::nx}));  // present: NX fails
    EXPECT_EQ(co_await c.get(k), "a");
    auto t = co_await c.ttl(k);
    EXPECT_EQ(t.state, redis::KeyTtl::State::expiring);
    EXPECT_GT(t.remaining, 90s);
    EXPECT_LE(t.remaining, 100s);
    EXPECT_TRUE(co_await c.set(k, "c", {.condition = redis::SetCondition::xx, .keep_ttl = true}));
    EXPECT_EQ((co_await c.ttl(k)).state, redis::KeyTtl::State::expiring);
    EXPECT_TRUE(co_await c.set(k, "d"));  // a plain SET clears the expiry
    EXPECT_EQ((co_await c.ttl(k)).state, redis::KeyTtl::State::persistent);
    EXPECT_EQ((co_await c.ttl(key("none"))).state, redis::KeyTtl::State::missing);
    EXPECT_TRUE(co_await c.expire(k, 50s));
    EXPECT_GT((co_await c.ttl(k)).remaining, 40s);
    EXPECT_FALSE(co_await c.expire(key("none"), 5s));
  }());
}

TEST_F(RedisClientTest, KeysExpireOnTheirOwn) {
  run([]() -> awaitable<void> {
    auto& c = *client_;
    co_await c.set(key("px"), "short", {.ttl = 150ms});
    co_await c.setex(key("ex"), 1s, "one second");
    EXPECT_EQ(co_await c.get(key("px")), "short");
    // The scenario, not a wait for an event: both TTLs run out (Redis expires by its own clock).
    boost::asio::steady_timer t(co_await asio::this_coro::executor, 1200ms);
    co_await t.async_wait(use_awaitable);
    EXPECT_EQ(co_await c.get(key("px")), std::nullopt);
    EXPECT_EQ(co_await c.get(key("ex")), std::nullopt);
    EXPECT_EQ(co_await c.exists(key("px"), key("ex")), 0);
  }());
}

TEST_F(RedisClientTest, BinaryValuesAndKeysWithNulBytes) {
  run([]() -> awaitable<void> {
    auto& c = *client_;
    std::string every_byte;
    for (int i = 0; i < 256; ++i) every_byte.push_back(static_cast<char>(i));
    const std::string value = "\0head\r\n$3\r\n*1\0"s + every_byte + std::string(100'000, '\0');
    const std::string k = key("bin\0key\r\n"s);
    co_await c.set(k, value);
    auto got = co_await c.get(k);
    CO_ASSERT_TRUE(got.has_value());
    EXPECT_EQ(got->size(), value.size());
    EXPECT_TRUE(*got == value);
    co_await c.hset(key("binhash"), "f\0ield"s, "\0"s);
    EXPECT_EQ(co_await c.hget(key("binhash"), "f\0ield"s), "\0"s);
    auto many = co_await c.mget(k, key("nothing"));
    EXPECT_TRUE(many.size() == 2 && many[0] == value && !many[1]);
  }());
}

TEST_F(RedisClientTest, CountersAndRateLimitWindows) {
  run([]() -> awaitable<void> {
    auto& c = *client_;
    EXPECT_EQ(co_await c.incr(key("n")), 1);
    EXPECT_EQ(co_await c.incrby(key("n"), 41), 42);
    EXPECT_EQ(co_await c.incrby(key("n"), -2), 40);
    auto first = co_await c.incr_with_expiry(key("rl"), 1, 60s);
    EXPECT_EQ(first.value, 1);
    EXPECT_EQ(first.ttl, 60s);
    auto second = co_await c.incr_with_expiry(key("rl"), 1, 60s);
    EXPECT_EQ(second.value, 2);
    EXPECT_GT(second.ttl, 50s);
    EXPECT_LE(second.ttl, 60s);
    auto t = co_await c.ttl(key("rl"));
    EXPECT_EQ(t.state, redis::KeyTtl::State::expiring);
    co_await c.set(key("text"), "abc");
    EXPECT_THROW(co_await c.incr(key("text")), infra::QueryError);
  }());
}

TEST_F(RedisClientTest, MgetMset) {
  run([]() -> awaitable<void> {
    auto& c = *client_;
    const std::vector<std::pair<std::string, std::string>> items = {{key("m1"), "one"}, {key("m2"), "two"}};
    co_await c.mset(items);
    auto values = co_await c.mget(key("m1"), key("missing"), key("m2"));
    const std::vector<std::optional<std::string>> expected = {"one", std::nullopt, "two"};
    EXPECT_EQ(values, expected);
  }());
}

TEST_F(RedisClientTest, Hashes) {
  run([]() -> awaitable<void> {
    auto& c = *client_;
    const auto h = key("hash");
    EXPECT_EQ(co_await c.hset(h, "a", "1"), 1);
    const std::vector<std::pair<std::string, std::string>> fields = {{"b", "2"}, {"c", "3"}, {"a", "9"}};
    EXPECT_EQ(co_await c.hset(h, fields), 2);
    EXPECT_EQ(co_await c.hget(h, "a"), "9");
    EXPECT_EQ(co_await c.hget(h, "zz"), std::nullopt);
    EXPECT_EQ(co_await c.hdel(h, "b", "zz"), 1);
    auto all = co_await c.hgetall(h);
    const std::unordered_map<std::string, std::string> expected = {{"a", "9"}, {"c", "3"}};
    EXPECT_EQ(all, expected);
    EXPECT_TRUE((co_await c.hgetall(key("nohash"))).empty());
    co_await c.set(key("str"), "x");
    try {
      co_await c.hget(key("str"), "a");
      ADD_FAILURE() << "HGET on a string must fail";
    } catch (const infra::QueryError& e) {
      EXPECT_THAT(e.message(), HasSubstr("HGET failed: WRONGTYPE"));
      EXPECT_EQ(e.service(), "redis");
    }
  }());
}

TEST_F(RedisClientTest, ScanFindsEveryMatchingKey) {
  run([]() -> awaitable<void> {
    auto& c = *client_;
    std::vector<std::pair<std::string, std::string>> items;
    for (int i = 0; i < 250; ++i) items.emplace_back(key("scan:" + std::to_string(i)), "v");
    co_await c.mset(items);
    auto keys = co_await c.scan_all(key("scan:*"), 20);
    EXPECT_EQ(keys.size(), 250u);
    auto page = co_await c.scan("0", key("scan:*"), 10);
    EXPECT_FALSE(page.cursor.empty());
  }());
}

TEST_F(RedisClientTest, GenericCommandAndPing) {
  run([]() -> awaitable<void> {
    auto& c = *client_;
    co_await c.ping();
    co_await c.set(key("g"), "hello");
    auto len = co_await c.command("STRLEN", key("g"));
    EXPECT_EQ(len.integer_value(), 5);
    auto echo = co_await c.command("ECHO", "x\0y"s);
    EXPECT_EQ(echo.text(), "x\0y"s);
    EXPECT_THROW(co_await c.command("NOSUCHCOMMAND"), infra::QueryError);
    EXPECT_THROW(co_await c.command(std::span<const std::string_view>{}), infra::InvalidArgumentError);
  }());
}

TEST_F(RedisClientTest, PipelinesAnswerInOrderAndKeepErrorsPerCommand) {
  run([]() -> awaitable<void> {
    auto& c = *client_;
    redis::Pipeline p;
    for (int i = 0; i < 100; ++i) p.set(key("p" + std::to_string(i)), std::to_string(i));
    p.command({"INCR", key("p7")});  // "7" -> 8
    p.command({"HGET", key("p1"), "f"});  // WRONGTYPE, in the middle
    for (int i = 0; i < 100; ++i) p.get(key("p" + std::to_string(i)));
    auto replies = co_await c.execute(std::move(p));
    EXPECT_EQ(replies.size(), 202u);
    EXPECT_EQ(replies[100].integer_value(), 8);
    EXPECT_TRUE(replies[101].is_error());
    EXPECT_THROW(replies[101].throw_if_error("HGET"), infra::QueryError);
    for (int i = 0; i < 100; ++i) {
      EXPECT_EQ(replies[102 + i].text(), i == 7 ? "8" : std::to_string(i));
    }
  }());
}

// Many commands in flight at once, from the connections' own threads and from a foreign
// io_context: every reply reaches the coroutine that asked for it.
TEST_F(RedisClientTest, ConcurrentCommandsFromEveryThreadGetTheirOwnReplies) {
  auto worker = [](int id) -> awaitable<int> {
    int ok = 0;
    for (int i = 0; i < 50; ++i) {
      const auto k = key("conc:" + std::to_string(id) + ":" + std::to_string(i));
      co_await client_->set(k, k);
      if (co_await client_->get(k) == k) ++ok;
    }
    co_return ok;
  };
  std::vector<std::future<int>> futures;
  for (int t = 0; t < 40; ++t) {
    futures.push_back(asio::co_spawn(runtime_->io_context(t % 2), worker(t), asio::use_future));
  }
  asio::io_context foreign;
  for (int t = 40; t < 60; ++t) futures.push_back(asio::co_spawn(foreign, worker(t), asio::use_future));
  foreign.run();
  int total = 0;
  for (auto& f : futures) total += f.get();
  EXPECT_EQ(total, 60 * 50);
}

TEST_F(RedisClientTest, HealthCheckMeasuresAPingAndIsRegistered) {
  auto status = run(client_->check_health());
  EXPECT_TRUE(status.is_ok()) << status.message;
  EXPECT_LT(status.latency, 1000ms);
  EXPECT_THAT(readiness_->names(), testing::Contains("redis"));
  auto report = run(readiness_->report());
  EXPECT_TRUE(report.ok);
}

TEST_F(RedisClientTest, SameThreadCallersAreServedWithoutAHop) {
  auto value = run_on(runtime_->io_context(1), []() -> awaitable<std::optional<std::string>> {
    co_await client_->set(key("local"), "same-thread");
    co_return co_await client_->get(key("local"));
  }());
  EXPECT_EQ(value, "same-thread");
}

// Stop waits for pending replies, then QUITs; later commands fail with a clear error. Uses its
// own client so the suite's client stays open.
TEST_F(RedisClientTest, StopAnswersPendingCommandsThenRefusesNewOnes) {
  auto own = std::make_shared<redis::Client>(redis::test::shared_config(), *runtime_);
  testkit::run_async(own->start());
  auto result = testkit::run_async([own]() -> awaitable<int> {
    auto ex = co_await asio::this_coro::executor;
    std::vector<std::future<bool>> inflight;
    auto one = [own](int i) -> awaitable<bool> {
      co_return co_await own->set(key("stop:" + std::to_string(i)), "v");
    };
    for (int i = 0; i < 50; ++i) inflight.push_back(asio::co_spawn(ex, one(i), asio::use_future));
    // Let the commands be issued, then stop while their replies are on the way.
    co_await asio::post(ex, use_awaitable);
    co_await own->stop();
    int ok = 0;
    for (auto& f : inflight) ok += f.get() ? 1 : 0;
    co_return ok;
  }());
  EXPECT_EQ(result, 50);
  try {
    testkit::run_async(own->get(key("stop:1")));
    FAIL() << "a stopped client must refuse commands";
  } catch (const infra::UnavailableError& e) {
    EXPECT_THAT(e.message(), HasSubstr("clos"));
  }
}

}  // namespace
