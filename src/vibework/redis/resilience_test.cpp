// Failure behaviour against PRIVATE redis-server processes (own ports and directories, started
// and stopped here; the shared server is never touched): the server killed mid-traffic, a
// server that accepts but never answers (SIGSTOP), AUTH, SELECT from the URL, waiting while
// offline, and a clear error when nothing listens.
#include <array>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include <boost/asio/steady_timer.hpp>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "vibework/infra/errors.hpp"
#include "vibework/redis/client.hpp"
#include "vibework/redis/test_support.hpp"
#include "vibework/testkit/eventually.hpp"
#include "vibework/testkit/log_watch.hpp"

using namespace vibework;
using namespace vibework::infra;
using namespace std::chrono_literals;
using redis::test::PrivateRedisServer;
using redis::test::private_config;
using testing::HasSubstr;
using Clock = std::chrono::steady_clock;

namespace resilience_test {

std::chrono::milliseconds since(Clock::time_point t0) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t0);
}

class RedisResilienceTest : public testing::Test {
 protected:
  void SetUp() override { runtime_.start(); }
  infra::Runtime runtime_{RuntimeOptions{.io_threads = 2, .blocking_threads = 1}};
};

struct Inbox {
  std::mutex mutex;
  std::condition_variable cv;
  std::vector<std::string> payloads;
  redis::MessageHandler handler() {
    return [this](const redis::Message& m) {
      std::lock_guard lock(mutex);
      payloads.push_back(m.payload);
      cv.notify_all();
    };
  }
  bool wait_for(std::string_view payload, std::chrono::milliseconds limit) {
    std::unique_lock lock(mutex);
    return cv.wait_for(lock, limit, [&] { return std::find(payloads.begin(), payloads.end(), payload) != payloads.end(); });
  }
};

// Eight coroutines doing SET + GET in a loop, four on each I/O thread. A command issued on an
// I/O thread goes to that thread's own connection, so the counts per thread tell what each
// connection is doing. Stops and waits for them when it goes away, whatever the test did.
class Traffic {
 public:
  Traffic(redis::Client& client, infra::Runtime& runtime) {
    for (int i = 0; i < 8; ++i) {
      tasks_.push_back(asio::co_spawn(runtime.io_context(i % 2), run(client, i), asio::use_future));
    }
  }
  ~Traffic() { stop(); }
  void stop() {
    stopping_ = true;
    for (auto& t : tasks_) t.wait();  // run() catches everything: nothing to rethrow
  }
  int ok(int thread) const { return ok_[thread].load(); }
  int ok() const { return ok(0) + ok(1); }
  int unavailable(int thread) const { return unavailable_[thread].load(); }
  int unavailable() const { return unavailable(0) + unavailable(1); }
  int other() const { return other_.load(); }

 private:
  awaitable<void> run(redis::Client& client, int id) {
    const int thread = id % 2;
    const std::string key = "traffic:" + std::to_string(id);
    boost::asio::steady_timer pause(co_await asio::this_coro::executor);
    while (!stopping_) {
      bool failed = false;
      try {
        co_await client.set(key, "v");
        co_await client.get(key);
        ++ok_[thread];
      } catch (const infra::UnavailableError&) {
        ++unavailable_[thread];
        failed = true;
      } catch (...) {
        ++other_;
      }
      if (failed) {
        pause.expires_after(5ms);
        co_await pause.async_wait(use_awaitable);
      }
    }
  }
  std::atomic<bool> stopping_{false};
  std::array<std::atomic<int>, 2> ok_{}, unavailable_{};
  std::atomic<int> other_{0};
  std::vector<std::future<void>> tasks_;
};

// The server crashes under load: commands fail fast with UnavailableError, the client
// reconnects by itself within 2 s of the server coming back, and pub/sub is restored.
TEST_F(RedisResilienceTest, ServerKilledMidTrafficFailsFastThenRecoversWithSubscriptions) {
  PrivateRedisServer server;
  auto config = private_config(server.url());  // default reconnect backoff (50 ms .. 1 s)
  auto client = std::make_shared<redis::Client>(config, runtime_);
  testkit::run_async(client->start());
  Inbox inbox;
  auto sub = testkit::run_async(client->subscribe("restore-me", inbox.handler()));

  Traffic traffic(*client, runtime_);
  EXPECT_TRUE(testkit::eventually([&] { return traffic.ok(0) > 0 && traffic.ok(1) > 0; }, 10s))
      << "no traffic got through on one of the connections";
  EXPECT_GT(traffic.ok(), 0);
  server.kill();
  // Both connections have seen the crash once traffic on each thread has failed (a connection
  // marks itself disconnected before it fails its commands).
  EXPECT_TRUE(testkit::eventually([&] { return traffic.unavailable(0) > 0 && traffic.unavailable(1) > 0; }, 10s))
      << "the client did not notice the crash";

  // Down: a command fails at once, naming the server and the cause.
  auto t0 = Clock::now();
  try {
    testkit::run_async(client->get("anything"));
    ADD_FAILURE() << "a command must fail while the server is down";
  } catch (const infra::UnavailableError& e) {
    EXPECT_THAT(e.message(), HasSubstr("not connected to 127.0.0.1:" + std::to_string(server.port())));
    EXPECT_EQ(e.service(), "redis");
    EXPECT_FALSE(e.hint().empty());
  }
  EXPECT_LT(since(t0), 100ms) << "commands must fail fast while disconnected";

  // The scenario, not a wait for an event: the outage lasts long enough for the reconnect
  // backoff (50 ms doubling up to 1 s) to reach its cap, so the 2 s bound below is meaningful.
  std::this_thread::sleep_for(1500ms);
  server.start();  // same port; returns once it accepts connections
  const auto back = Clock::now();
  const int ok_before[2] = {traffic.ok(0), traffic.ok(1)};
  const bool reconnected = testkit::eventually(
      [&] {
        try {
          testkit::run_async(client->ping());
          return true;
        } catch (const infra::UnavailableError&) {
          return false;
        }
      },
      3s);
  ASSERT_TRUE(reconnected) << "the client did not reconnect";
  const auto reconnect_time = since(back);
  EXPECT_LT(reconnect_time, 2s);
  std::cout << "reconnected " << reconnect_time.count() << " ms after the server came back\n";

  // Every connection is back (traffic runs on both I/O threads)...
  EXPECT_TRUE(testkit::eventually([&] { return traffic.ok(0) > ok_before[0] && traffic.ok(1) > ok_before[1]; }, 5s))
      << "traffic did not resume on both connections";
  EXPECT_GT(traffic.ok(), ok_before[0] + ok_before[1]);
  // ... and so is the subscription, on its own connection.
  std::int64_t receivers = 0;
  EXPECT_TRUE(testkit::eventually(
      [&] { return (receivers = testkit::run_async(client->publish("restore-me", "after restart"))) != 0; }, 3s));
  EXPECT_EQ(receivers, 1) << "the subscription was not restored";
  EXPECT_TRUE(inbox.wait_for("after restart", 2s));

  traffic.stop();
  EXPECT_GT(traffic.unavailable(), 0);
  EXPECT_EQ(traffic.other(), 0) << "while down, only infra::UnavailableError is expected";
  testkit::run_async(client->stop());
}

// SIGSTOP: the kernel still accepts connections but the server never answers. Commands must
// end at the configured bound with TimeoutError, never hang.
TEST_F(RedisResilienceTest, ServerThatNeverAnswersTimesOutAtTheConfiguredBound) {
  PrivateRedisServer server;
  auto config = private_config(server.url());
  config.command_timeout = 300ms;
  config.connect_timeout = 300ms;
  auto client = std::make_shared<redis::Client>(config, runtime_);
  testkit::run_async(client->start());
  testkit::run_async(client->set("k", "v"));

  server.pause();
  auto t0 = Clock::now();
  std::vector<std::future<std::optional<std::string>>> inflight;
  asio::io_context caller;
  for (int i = 0; i < 10; ++i) inflight.push_back(asio::co_spawn(caller, client->get("k"), asio::use_future));
  caller.run();
  const auto elapsed = since(t0);
  for (auto& f : inflight) {
    try {
      f.get();
      ADD_FAILURE() << "a stopped server cannot answer";
    } catch (const infra::TimeoutError& e) {
      EXPECT_THAT(e.message(), HasSubstr("within 300 ms"));
    }
  }
  EXPECT_GE(elapsed, 250ms);
  EXPECT_LT(elapsed, 1500ms);

  // Still stopped: later commands also end within the bound (timeout, or unavailable while the
  // reconnect's own PING goes unanswered).
  for (int i = 0; i < 3; ++i) {
    t0 = Clock::now();
    EXPECT_THROW(testkit::run_async(client->get("k")), infra::Error);
    EXPECT_LT(since(t0), 1500ms);
  }

  server.resume();
  std::optional<std::string> value;
  const bool recovered = testkit::eventually(
      [&] {
        try {
          value = testkit::run_async(client->get("k"));
          return true;
        } catch (const infra::Error&) {
          return false;
        }
      },
      3s);
  ASSERT_TRUE(recovered) << "the client did not recover after SIGCONT";
  EXPECT_EQ(value, "v");
  testkit::run_async(client->stop());
}

TEST_F(RedisResilienceTest, AuthWithAPasswordFromTheUrl) {
  PrivateRedisServer server({"--requirepass", "s3cret pass"});
  {
    auto client = std::make_shared<redis::Client>(private_config(server.url(":s3cret%20pass")), runtime_);
    testkit::run_async(client->start());
    testkit::run_async(client->set("auth", "ok"));
    EXPECT_EQ(testkit::run_async(client->get("auth")), "ok");
    testkit::run_async(client->stop());
  }
  {  // ACL form: user and password
    auto client = std::make_shared<redis::Client>(private_config(server.url("default:s3cret%20pass")), runtime_);
    testkit::run_async(client->start());
    EXPECT_EQ(testkit::run_async(client->get("auth")), "ok");
    testkit::run_async(client->stop());
  }
  {
    auto config = private_config(server.url(":wrong"));
    config.connect_timeout = 300ms;
    auto client = std::make_shared<redis::Client>(config, runtime_);
    try {
      testkit::run_async(client->start());
      ADD_FAILURE() << "a wrong password must fail the start";
    } catch (const infra::UnavailableError& e) {
      EXPECT_THAT(e.message(), HasSubstr("refused AUTH"));
      EXPECT_THAT(e.hint(), HasSubstr("REDIS_URL"));
      EXPECT_THAT(std::string(e.what()), testing::Not(HasSubstr("wrong")));  // never echo the secret
    }
    testkit::run_async(client->stop());
  }
  {
    auto config = private_config(server.url());
    config.connect_timeout = 300ms;
    auto client = std::make_shared<redis::Client>(config, runtime_);
    try {
      testkit::run_async(client->start());
      ADD_FAILURE() << "no password must fail the start";
    } catch (const infra::UnavailableError& e) {
      EXPECT_THAT(e.message(), HasSubstr("NOAUTH"));
      EXPECT_THAT(e.hint(), HasSubstr("requires a password"));
    }
    testkit::run_async(client->stop());
  }
}

TEST_F(RedisResilienceTest, SelectsTheDatabaseFromTheUrl) {
  PrivateRedisServer server;
  auto db3 = std::make_shared<redis::Client>(private_config(server.url({}, 3)), runtime_);
  auto db0 = std::make_shared<redis::Client>(private_config(server.url({}, 0)), runtime_);
  testkit::run_async(db3->start());
  testkit::run_async(db0->start());
  testkit::run_async(db3->set("where", "three"));
  testkit::run_async(db0->set("where", "zero"));
  EXPECT_EQ(testkit::run_async(db3->get("where")), "three");
  EXPECT_EQ(testkit::run_async(db0->get("where")), "zero");
  // FLUSHDB empties only the URL's database.
  testkit::run_async(db3->flushdb());
  EXPECT_EQ(testkit::run_async(db3->get("where")), std::nullopt);
  EXPECT_EQ(testkit::run_async(db0->get("where")), "zero");
  testkit::run_async(db3->stop());
  testkit::run_async(db0->stop());

  auto config = private_config(server.url({}, 99));
  config.connect_timeout = 300ms;
  auto bad = std::make_shared<redis::Client>(config, runtime_);
  try {
    testkit::run_async(bad->start());
    ADD_FAILURE() << "database 99 does not exist";
  } catch (const infra::UnavailableError& e) {
    EXPECT_THAT(e.message(), HasSubstr("refused SELECT 99"));
    EXPECT_THAT(e.hint(), HasSubstr("databases"));
  }
  testkit::run_async(bad->stop());
}

// REDIS_OFFLINE_WAIT_MS: commands wait for the connection to come back, up to the bound.
TEST_F(RedisResilienceTest, OfflineWaitHoldsCommandsUntilTheServerReturnsOrTheBound) {
  PrivateRedisServer server;
  // Each of the two connections logs this once when it sees the server go.
  testkit::LogWatch lost("lost the connection to 127.0.0.1:" + std::to_string(server.port()));
  auto config = private_config(server.url());
  config.offline_wait = 1500ms;
  config.reconnect_max = 100ms;
  auto client = std::make_shared<redis::Client>(config, runtime_);
  testkit::run_async(client->start());
  testkit::run_async(client->set("k", "before"));

  server.kill();
  // A command sent before its connection noticed would fail with the connection instead of waiting.
  ASSERT_TRUE(testkit::eventually([&] { return lost.count() == 2; }, 5s)) << "the client did not notice the crash";
  auto waiting = asio::co_spawn(runtime_.io_context(0), client->set("k", "during"), asio::use_future);
  EXPECT_EQ(waiting.wait_for(300ms), std::future_status::timeout) << "the command must wait while the server is down";
  server.start();
  EXPECT_EQ(waiting.wait_for(3s), std::future_status::ready);
  EXPECT_TRUE(waiting.get());
  EXPECT_EQ(testkit::run_async(client->get("k")), "during");

  // Both connections are back (the server counts them) before the next crash.
  auto connected_clients = [&] {
    const auto info = testkit::run_async(client->command("INFO", "clients")).text();
    const auto at = info.find("connected_clients:");
    return at == std::string::npos ? -1 : std::stoi(info.substr(at + std::string_view("connected_clients:").size()));
  };
  ASSERT_TRUE(testkit::eventually([&] { return connected_clients() == 2; }, 5s)) << "a connection did not come back";
  server.kill();
  ASSERT_TRUE(testkit::eventually([&] { return lost.count() == 4; }, 5s)) << "the client did not notice the crash";
  const auto t0 = Clock::now();
  try {
    testkit::run_async(client->get("k"));
    ADD_FAILURE() << "the server stays down";
  } catch (const infra::UnavailableError& e) {
    EXPECT_THAT(e.message(), HasSubstr("REDIS_OFFLINE_WAIT_MS"));
  }
  EXPECT_GE(since(t0), 1400ms);
  EXPECT_LT(since(t0), 3000ms);
  testkit::run_async(client->stop());
}

// Nothing listens: start() still succeeds (readiness reports the outage and the client keeps
// reconnecting), and commands fail fast with an error that names the address and the fix.
TEST_F(RedisResilienceTest, NothingListeningStartsAndCommandsFailWithAClearError) {
  const auto port = redis::test::free_port();
  auto config = private_config("redis://127.0.0.1:" + std::to_string(port));
  config.connect_timeout = 500ms;
  auto client = std::make_shared<redis::Client>(config, runtime_);
  const auto t0 = Clock::now();
  testkit::run_async(client->start());
  try {
    testkit::run_async(client->get("anything"));
    ADD_FAILURE() << "nothing listens on port " << port;
  } catch (const infra::UnavailableError& e) {
    EXPECT_THAT(e.message(), HasSubstr("127.0.0.1:" + std::to_string(port)));
    EXPECT_THAT(e.message(), HasSubstr("connection refused"));
    EXPECT_THAT(e.hint(), HasSubstr("scripts/services start"));
  }
  EXPECT_LT(since(t0), 2s);
  auto health = testkit::run_async(client->check_health());
  EXPECT_FALSE(health.is_ok());
  EXPECT_THAT(health.message, HasSubstr("not connected"));
  testkit::run_async(client->stop());
}

}  // namespace resilience_test
