// The worker's handlers against the shared FerretDB and Redis (scripts/services): one effect per
// event however often it is delivered, a crash between the two steps finished by the
// redelivery, a deleted notification acked, poison nacked (and said to be dead-lettered at the
// last attempt), an outage nacked; the unread counter kept by the worker and the API together;
// and the events handler.
#include "vibework/app/worker/notification_handler.hpp"

#include <atomic>
#include <future>

#include <boost/asio/use_future.hpp>
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "vibework/app/notifications/notification_service.hpp"
#include "vibework/app/notifications/unread_counter.hpp"
#include "vibework/app/worker/user_event_handler.hpp"
#include "vibework/infra/runtime.hpp"
#include "vibework/mongodb/test_support.hpp"
#include "vibework/pubsub/subscriber.hpp"
#include "vibework/redis/client.hpp"
#include "vibework/testkit/env.hpp"
#include "vibework/testkit/log_watch.hpp"
#include "vibework/testkit/ports.hpp"

namespace vibework::app::worker {
namespace {

using namespace std::chrono_literals;
using models::Notification;
using models::NotificationDocument;
using Decision = pubsub::Message::Decision;

class NotificationHandlerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    runtime_ = new infra::Runtime({.io_threads = 1, .blocking_threads = 4});
    runtime_->start();
    mongodb_ = std::make_shared<mongodb::Database>(mongodb::test::config_for(database()), *runtime_);
    redis_ = std::make_shared<redis::Client>(testkit::section_from_environment<redis::Config>(), *runtime_);
    run([]() -> awaitable<void> {
      co_await mongodb_->start();
      co_await mongodb::test::drop_database(*mongodb_);
      co_await redis_->start();
    }());
  }
  static void TearDownTestSuite() {
    run([]() -> awaitable<void> {
      auto keys = co_await redis_->scan_all("notifications:*:" + prefix() + "*");
      co_await redis_->del(keys);
      co_await mongodb::test::drop_database(*mongodb_);
      co_await redis_->stop();
      co_await mongodb_->stop();
    }());
    redis_.reset();
    mongodb_.reset();
    delete runtime_;
  }

  // Runs `task` on the runtime's I/O thread (where the clients live) and waits for it.
  template <typename T>
  static T run(awaitable<T> task) {
    auto future = asio::co_spawn(runtime_->io_context(0), std::move(task), asio::use_future);
    if (future.wait_for(60s) != std::future_status::ready) throw std::runtime_error("test coroutine timed out");
    return future.get();
  }

  static std::string database() { return "vibework_worker_test_" + std::to_string(::getpid()); }
  // User ids and event ids of this process: the counters and markers are keyed by them.
  static std::string prefix() { return fmt::format("wt{}-", ::getpid()); }
  static std::string unique(std::string_view what) {
    static std::atomic<int> n{0};
    return prefix() + std::string(what) + "-" + std::to_string(++n);
  }

  NotificationDocument insert(const std::string& user_id) {
    NotificationDocument doc;
    doc.user_id = user_id;
    doc.title = "Welcome";
    doc.message = "Hello";
    Notification notifications(*mongodb_);
    return run(notifications.create(doc));
  }
  std::optional<NotificationDocument> read(const mongodb::ObjectId& id) {
    Notification notifications(*mongodb_);
    return run(notifications.find_by_id(id));
  }
  std::optional<std::string> counter(const std::string& user_id) {
    return run(redis_->get(notifications::UnreadCounter::key(user_id)));
  }

  // notification.created as the outbox relay publishes it.
  static pubsub::Message event(const NotificationDocument& doc, const std::string& event_id, int attempt = 1) {
    pubsub::Message m;
    m.data = fmt::format(
        R"({{"event":"notification.created","notificationId":"{}","userId":"{}","type":"info","title":"{}","createdAt":"2026-12-01T10:00:00.000Z"}})",
        doc.id.to_string(), doc.user_id, doc.title);
    m.attributes = {{"eventType", "notification.created"}, {"vibework-id", event_id}};
    m.message_id = "m-" + event_id + "-" + std::to_string(attempt);
    m.delivery_attempt = attempt;
    m.ack_id = "ack-" + m.message_id;
    return m;
  }

  Outcome handle(NotificationCreatedHandler& handler, pubsub::Message& m) { return run(handler.handle(m)); }

  static inline infra::Runtime* runtime_ = nullptr;
  static inline std::shared_ptr<mongodb::Database> mongodb_;
  static inline std::shared_ptr<redis::Client> redis_;
};

TEST_F(NotificationHandlerTest, TheSameEventTwiceSetsDeliveredAtOnceAndCountsOnce) {
  DeliveryRecord record(*mongodb_, *redis_);
  NotificationCreatedHandler handler(record, "notifications-created-worker");
  const auto user = unique("user");
  const auto doc = insert(user);
  const auto id = unique("event");

  testkit::LogWatch delivered(fmt::format("worker: delivered notification.created {} to user {} (event {}, attempt 1)",
                                          doc.id.to_string(), user, id));
  auto first = event(doc, id);
  EXPECT_EQ(handle(handler, first), Outcome::delivered);
  EXPECT_EQ(first.decision(), Decision::ack);
  EXPECT_EQ(delivered.count(), 1);
  const auto after_first = read(doc.id);
  ASSERT_TRUE(after_first.has_value());
  ASSERT_TRUE(after_first->delivered_at.has_value()) << "deliveredAt is set";
  EXPECT_EQ(counter(user), "1");

  auto again = event(doc, id, 2);  // a redelivery: same event, later attempt
  EXPECT_EQ(handle(handler, again), Outcome::duplicate);
  EXPECT_EQ(again.decision(), Decision::ack);
  auto duplicate_publish = event(doc, id, 1);  // a second publish of it: same vibework-id
  EXPECT_EQ(handle(handler, duplicate_publish), Outcome::duplicate);
  EXPECT_EQ(read(doc.id)->delivered_at, after_first->delivered_at) << "set once, never moved";
  EXPECT_EQ(counter(user), "1") << "counted once";
  EXPECT_EQ(delivered.count(), 1) << "one delivery line";

  // Another notification of the same user is counted on its own.
  const auto second_doc = insert(user);
  auto second = event(second_doc, unique("event"));
  EXPECT_EQ(handle(handler, second), Outcome::delivered);
  EXPECT_EQ(counter(user), "2");

  const auto marker_ttl = run(redis_->ttl(notifications::UnreadCounter::marker(id)));
  EXPECT_EQ(marker_ttl.state, redis::KeyTtl::State::expiring) << "markers do not pile up forever";
}

TEST_F(NotificationHandlerTest, ACrashBetweenTheStepsIsFinishedByTheRedelivery) {
  DeliveryRecord record(*mongodb_, *redis_);
  NotificationCreatedHandler handler(record, "notifications-created-worker");
  const auto user = unique("user");
  const auto doc = insert(user);
  // The first delivery got as far as MongoDB, then the worker died (no count, no ack).
  EXPECT_EQ(run(record.mark_delivered(doc.id, user)).marked, Marked::now);
  const auto delivered_at = read(doc.id)->delivered_at;
  ASSERT_TRUE(delivered_at.has_value());
  EXPECT_EQ(counter(user), std::nullopt);

  auto redelivered = event(doc, unique("event"), 2);
  EXPECT_EQ(handle(handler, redelivered), Outcome::delivered);
  EXPECT_EQ(redelivered.decision(), Decision::ack);
  EXPECT_EQ(counter(user), "1");
  EXPECT_EQ(read(doc.id)->delivered_at, delivered_at) << "the first delivery's time stays";
}

TEST_F(NotificationHandlerTest, ANotificationThatNoLongerExistsIsAckedWithoutEffect) {
  DeliveryRecord record(*mongodb_, *redis_);
  NotificationCreatedHandler handler(record, "notifications-created-worker");
  const auto user = unique("user");
  NotificationDocument gone;
  gone.id = mongodb::ObjectId::generate();
  gone.user_id = user;
  gone.title = "Deleted";
  testkit::LogWatch logged("no longer exists");
  auto m = event(gone, unique("event"));
  EXPECT_EQ(handle(handler, m), Outcome::missing);
  EXPECT_EQ(m.decision(), Decision::ack);
  EXPECT_EQ(logged.count(), 1);
  EXPECT_EQ(counter(user), std::nullopt);

  // Someone else's notification under this user's id is not this user's to count.
  auto other = insert(unique("owner"));
  other.user_id = user;
  auto foreign = event(other, unique("event"));
  EXPECT_EQ(handle(handler, foreign), Outcome::missing);
  EXPECT_FALSE(read(other.id)->delivered_at.has_value());
  EXPECT_EQ(counter(user), std::nullopt);
}

TEST_F(NotificationHandlerTest, PoisonMessagesAreNackedAndLoggedWithTheirIdUntilDeadLettered) {
  DeliveryRecord record(*mongodb_, *redis_);
  NotificationCreatedHandler handler(record, "notifications-created-worker");
  const auto doc = insert(unique("user"));
  struct Case {
    std::string what;
    std::string data;
    std::string event_type;
  };
  const auto valid = event(doc, "x").data;
  const std::vector<Case> cases{
      {"not JSON", "not json", "notification.created"},
      {"not an object", "[1,2]", "notification.created"},
      {"another eventType attribute", valid, "notification.deleted"},
      {"another event in the data", R"({"event":"user.created","notificationId":"x"})", ""},
      {"no notificationId", R"({"event":"notification.created","userId":"u","type":"info","title":"t","createdAt":"c"})", ""},
      {"a notificationId that is no ObjectId",
       R"({"event":"notification.created","notificationId":"42","userId":"u","type":"info","title":"t","createdAt":"c"})",
       ""},
      {"no userId", fmt::format(R"({{"event":"notification.created","notificationId":"{}","type":"info","title":"t","createdAt":"c"}})",
                                doc.id.to_string()),
       "notification.created"},
  };
  for (const auto& c : cases) {
    pubsub::Message m;
    m.data = c.data;
    m.message_id = unique("poison");
    m.attributes = {{"vibework-id", m.message_id}};
    if (!c.event_type.empty()) m.attributes.emplace("eventType", c.event_type);
    m.delivery_attempt = 1;
    testkit::LogWatch named("worker: poison message " + m.message_id + " on notifications-created-worker");
    EXPECT_EQ(handle(handler, m), Outcome::poison) << c.what;
    EXPECT_EQ(m.decision(), Decision::nack) << c.what;
    EXPECT_EQ(named.count(), 1) << c.what;
  }
  EXPECT_FALSE(read(doc.id)->delivered_at.has_value()) << "no poison message touched it";

  pubsub::Message last;
  last.data = "not json";
  last.message_id = unique("poison");
  last.delivery_attempt = 5;
  testkit::LogWatch dead_lettered("attempt 5 of 5: nacked, Pub/Sub now moves it to the dead-letter topic");
  EXPECT_EQ(handle(handler, last), Outcome::poison);
  EXPECT_EQ(last.decision(), Decision::nack);
  EXPECT_EQ(dead_lettered.count(), 1);
}

TEST_F(NotificationHandlerTest, AnOutageNacksAndTheRedeliveryCountsOnce) {
  const auto user = unique("user");
  const auto doc = insert(user);
  const auto id = unique("event");

  // Redis down: MongoDB is marked, the count fails, the message is nacked.
  auto down = testkit::load_config<redis::Config>(
      {{"REDIS_URL", fmt::format("redis://127.0.0.1:{}", testkit::free_port())}, {"REDIS_CONNECT_TIMEOUT_MS", "200"}});
  ASSERT_TRUE(down.ok());
  auto dead_redis = std::make_shared<redis::Client>(down.config.get<redis::Config>(), *runtime_);
  run(dead_redis->start());
  {
    DeliveryRecord record(*mongodb_, *dead_redis);
    NotificationCreatedHandler handler(record, "notifications-created-worker");
    testkit::LogWatch failed("worker: notification.created " + doc.id.to_string() + " (event " + id);
    auto m = event(doc, id, 1);
    EXPECT_EQ(handle(handler, m), Outcome::failed);
    EXPECT_EQ(m.decision(), Decision::nack);
    EXPECT_EQ(failed.count(), 1);
  }
  run(dead_redis->stop());
  EXPECT_TRUE(read(doc.id)->delivered_at.has_value());
  EXPECT_EQ(counter(user), std::nullopt);

  // MongoDB down: nothing happens, the message is nacked.
  auto unreachable = testkit::load_config<mongodb::Config>(
      {{"MONGODB_URI", fmt::format("mongodb://127.0.0.1:{}/down", testkit::free_port())},
       {"MONGODB_SERVER_SELECTION_TIMEOUT_MS", "300"}});
  ASSERT_TRUE(unreachable.ok());
  auto dead_mongodb = std::make_shared<mongodb::Database>(unreachable.config.get<mongodb::Config>(), *runtime_);
  run(dead_mongodb->start());
  {
    DeliveryRecord record(*dead_mongodb, *redis_);
    NotificationCreatedHandler handler(record, "notifications-created-worker");
    auto m = event(doc, id, 2);
    EXPECT_EQ(handle(handler, m), Outcome::failed);
    EXPECT_EQ(m.decision(), Decision::nack);
  }
  run(dead_mongodb->stop());
  EXPECT_EQ(counter(user), std::nullopt);

  // Both back: the next redelivery finishes the job, once.
  DeliveryRecord record(*mongodb_, *redis_);
  NotificationCreatedHandler handler(record, "notifications-created-worker");
  auto m = event(doc, id, 3);
  EXPECT_EQ(handle(handler, m), Outcome::delivered);
  EXPECT_EQ(m.decision(), Decision::ack);
  EXPECT_EQ(counter(user), "1");
}

// The badge the worker counts and the API takes back: after any mix of deliveries, reads,
// deletes and read-all, it equals the delivered unread notifications.
TEST_F(NotificationHandlerTest, TheUnreadCounterFollowsDeliveriesReadsDeletesAndReadAll) {
  DeliveryRecord record(*mongodb_, *redis_);
  NotificationCreatedHandler handler(record, "notifications-created-worker");
  notifications::UnreadCounter unread(*redis_);
  notifications::NotificationService service(*mongodb_, {}, &unread);
  const auto user = unique("user");
  auto create = [&] {
    return run(service.create(user, notifications::NewNotification{.title = "Hi", .message = "Hello", .data = std::nullopt}));
  };
  auto deliver = [&](const NotificationDocument& doc) {
    auto m = event(doc, "notification.created:" + doc.id.to_string());
    return handle(handler, m);
  };

  const auto a = create();
  const auto b = create();
  EXPECT_EQ(deliver(a), Outcome::delivered);
  EXPECT_EQ(deliver(b), Outcome::delivered);
  EXPECT_EQ(counter(user), "2");
  ASSERT_TRUE(run(service.mark_read(user, a.id.to_string())).has_value());
  EXPECT_EQ(counter(user), "1") << "a delivered notification read";
  ASSERT_TRUE(run(service.mark_read(user, a.id.to_string())).has_value());
  EXPECT_EQ(counter(user), "1") << "reading it again changes nothing";

  // Read before the worker delivered it: neither side counts it.
  const auto c = create();
  ASSERT_TRUE(run(service.mark_read(user, c.id.to_string())).has_value());
  EXPECT_EQ(counter(user), "1");
  testkit::LogWatch not_counted("already read, not counted as unread");
  EXPECT_EQ(deliver(c), Outcome::delivered);
  EXPECT_EQ(not_counted.count(), 1);
  EXPECT_EQ(counter(user), "1");
  EXPECT_EQ(deliver(c), Outcome::duplicate);
  EXPECT_EQ(counter(user), "1");

  EXPECT_TRUE(run(service.remove(user, b.id.to_string())));
  EXPECT_EQ(counter(user), "0") << "a delivered unread notification deleted";
  EXPECT_TRUE(run(service.remove(user, a.id.to_string())));
  EXPECT_EQ(counter(user), "0") << "a read one deleted";

  // read-all: the delivered are taken back, the undelivered are not counted when they arrive.
  const auto d = create();
  const auto e = create();
  const auto f = create();
  EXPECT_EQ(deliver(d), Outcome::delivered);
  EXPECT_EQ(deliver(e), Outcome::delivered);
  EXPECT_EQ(counter(user), "2");
  EXPECT_EQ(run(service.mark_all_read(user)), 3);
  EXPECT_EQ(counter(user), "0");
  EXPECT_EQ(deliver(f), Outcome::delivered);
  EXPECT_EQ(counter(user), "0");
  EXPECT_EQ(run(service.unread_count(user)), 0);
}

TEST_F(NotificationHandlerTest, ARedisOutageLeavesTheCounterHighAndTheRequestAnswered) {
  DeliveryRecord record(*mongodb_, *redis_);
  NotificationCreatedHandler handler(record, "notifications-created-worker");
  const auto user = unique("user");
  const auto doc = insert(user);
  auto m = event(doc, unique("event"));
  EXPECT_EQ(handle(handler, m), Outcome::delivered);
  EXPECT_EQ(counter(user), "1");

  auto down = testkit::load_config<redis::Config>(
      {{"REDIS_URL", fmt::format("redis://127.0.0.1:{}", testkit::free_port())}, {"REDIS_CONNECT_TIMEOUT_MS", "200"}});
  ASSERT_TRUE(down.ok());
  auto dead_redis = std::make_shared<redis::Client>(down.config.get<redis::Config>(), *runtime_);
  run(dead_redis->start());
  {
    notifications::UnreadCounter unread(*dead_redis);
    notifications::NotificationService service(*mongodb_, {}, &unread);
    testkit::LogWatch high("the unread counter of user " + user + " stays 1 too high");
    const auto marked = run(service.mark_read(user, doc.id.to_string()));
    ASSERT_TRUE(marked.has_value());
    EXPECT_TRUE(marked->read);
    EXPECT_EQ(high.count(), 1);
  }
  run(dead_redis->stop());
  EXPECT_EQ(counter(user), "1");
}

TEST(UserEventHandler, LogsUserEventsAndAcksThemAndNacksWhatSaysNothing) {
  UserEventHandler handler("events-worker");
  pubsub::Message created;
  created.data = R"({"event":"user.created","userId":"u-42","email":"a@example.com"})";
  created.attributes = {{"eventType", "user.created"}, {"vibework-id", "ev-42"}};
  created.delivery_attempt = 1;
  testkit::LogWatch line("worker: user.created event ev-42 for user u-42 (attempt 1)");
  EXPECT_EQ(handler.handle(created), Outcome::delivered);
  EXPECT_EQ(created.decision(), Decision::ack);
  EXPECT_EQ(line.count(), 1);

  pubsub::Message nested;
  nested.data = R"({"event":"user.deleted","user":{"id":"u-7"}})";
  nested.message_id = "m-7";
  testkit::LogWatch nested_line("worker: user.deleted event m-7 for user u-7");
  EXPECT_EQ(handler.handle(nested), Outcome::delivered) << "the type from the data, the id from Pub/Sub";
  EXPECT_EQ(nested_line.count(), 1);

  pubsub::Message other;
  other.data = "{}";
  other.attributes = {{"eventType", "order.placed"}};
  EXPECT_EQ(handler.handle(other), Outcome::ignored);
  EXPECT_EQ(other.decision(), Decision::ack);

  pubsub::Message nothing;
  nothing.data = "garbage";
  nothing.message_id = "m-garbage";
  testkit::LogWatch poison("worker: poison message m-garbage on events-worker");
  EXPECT_EQ(handler.handle(nothing), Outcome::poison);
  EXPECT_EQ(nothing.decision(), Decision::nack);
  EXPECT_EQ(poison.count(), 1);
}

}  // namespace
}  // namespace vibework::app::worker
