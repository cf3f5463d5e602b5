// Integration tests of Redis pub/sub against the shared server (channels under a per-process
// prefix). Reconnect and restore are tested in resilience_test.cpp on a private server.
#include <atomic>
#include <mutex>

#include <gtest/gtest.h>

#include "vibework/redis/client.hpp"
#include "vibework/redis/test_support.hpp"
#include "vibework/testkit/eventually.hpp"

using namespace vibework;
using namespace vibework::infra;
using namespace std::chrono_literals;
using namespace std::string_literals;

namespace pubsub_test {

// Collects messages from a handler running on an I/O thread.
struct Inbox {
  std::mutex mutex;
  std::condition_variable cv;
  std::vector<redis::Message> messages;

  redis::MessageHandler handler() {
    return [this](const redis::Message& m) {
      std::lock_guard lock(mutex);
      messages.push_back(m);
      cv.notify_all();
    };
  }
  bool wait_for(std::size_t n, std::chrono::milliseconds limit = 5s) {
    std::unique_lock lock(mutex);
    return cv.wait_for(lock, limit, [&] { return messages.size() >= n; });
  }
  std::size_t size() {
    std::lock_guard lock(mutex);
    return messages.size();
  }
};

class RedisPubSubTest : public testing::Test {
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
    testkit::run_async(client_->stop());
    client_.reset();
    delete runtime_;
  }
  static std::string channel(std::string_view name) { return redis::test::unique_prefix("pubsub") + std::string(name); }

  static inline infra::Runtime* runtime_ = nullptr;
  static inline std::shared_ptr<redis::Client> client_;
};

TEST_F(RedisPubSubTest, SubscribeThenPublishDeliversBinaryPayloads) {
  Inbox inbox;
  auto sub = testkit::run_async(client_->subscribe(channel("events"), inbox.handler()));
  EXPECT_TRUE(sub.active());
  EXPECT_EQ(testkit::run_async(client_->publish(channel("events"), "hello")), 1);
  EXPECT_EQ(testkit::run_async(client_->publish(channel("events"), "bin\0ary"s)), 1);
  ASSERT_TRUE(inbox.wait_for(2));
  EXPECT_EQ(inbox.messages[0].channel, channel("events"));
  EXPECT_EQ(inbox.messages[0].payload, "hello");
  EXPECT_TRUE(inbox.messages[0].pattern.empty());
  EXPECT_EQ(inbox.messages[1].payload, "bin\0ary"s);
}

TEST_F(RedisPubSubTest, PatternSubscriptionsNameThePatternAndTheChannel) {
  Inbox inbox;
  auto sub = testkit::run_async(client_->psubscribe(channel("user.*"), inbox.handler()));
  EXPECT_EQ(testkit::run_async(client_->publish(channel("user.created"), "{\"id\":1}")), 1);
  ASSERT_TRUE(inbox.wait_for(1));
  EXPECT_EQ(inbox.messages[0].pattern, channel("user.*"));
  EXPECT_EQ(inbox.messages[0].channel, channel("user.created"));
  EXPECT_EQ(inbox.messages[0].payload, "{\"id\":1}");
}

TEST_F(RedisPubSubTest, UnsubscribingTheLastHandlerUnsubscribesTheChannel) {
  Inbox a, b;
  auto sub_a = testkit::run_async(client_->subscribe(channel("shared"), a.handler()));
  auto sub_b = testkit::run_async(client_->subscribe(channel("shared"), b.handler()));
  EXPECT_EQ(testkit::run_async(client_->publish(channel("shared"), "1")), 1);  // one connection subscribed
  ASSERT_TRUE(a.wait_for(1));
  ASSERT_TRUE(b.wait_for(1));
  testkit::run_async(sub_a.unsubscribe());
  EXPECT_FALSE(sub_a.active());
  EXPECT_EQ(testkit::run_async(client_->publish(channel("shared"), "2")), 1);
  ASSERT_TRUE(b.wait_for(2));
  EXPECT_EQ(a.size(), 1u);
  testkit::run_async(sub_b.unsubscribe());
  EXPECT_EQ(testkit::run_async(client_->publish(channel("shared"), "3")), 0);
}

TEST_F(RedisPubSubTest, DestroyingASubscriptionStopsDelivery) {
  Inbox inbox;
  {
    auto sub = testkit::run_async(client_->subscribe(channel("scoped"), inbox.handler()));
    EXPECT_EQ(testkit::run_async(client_->publish(channel("scoped"), "in scope")), 1);
    ASSERT_TRUE(inbox.wait_for(1));
  }
  // The unsubscribe is sent in the background; wait until the server dropped the channel.
  auto nobody_listens = [&] { return testkit::run_async(client_->publish(channel("scoped"), "late")) == 0; };
  EXPECT_TRUE(testkit::eventually(nobody_listens, 5s)) << "the channel was never unsubscribed";
}

}  // namespace pubsub_test
