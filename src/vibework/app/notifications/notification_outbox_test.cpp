// NotificationOutbox against the local FerretDB: the event rides in the notification's insert,
// a claim leases it to one relay at a time, an expired lease is claimed again, a release frees
// it at once, and a published event leaves the document (and the backlog) for good.
#include "vibework/app/notifications/notification_outbox.hpp"

#include <algorithm>

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

#include "vibework/app/notifications/notification_service.hpp"
#include "vibework/infra/current_trace.hpp"
#include "vibework/mongodb/test_support.hpp"
#include "vibework/testkit/async.hpp"

namespace {

using namespace std::chrono_literals;
using namespace vibework;
using app::notifications::NewNotification;
using app::notifications::NotificationOutbox;
using app::notifications::NotificationService;
using testkit::run_async;

class NotificationOutboxTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    started = new mongodb::test::StartedDatabase(mongodb::test::config_for("vibework_test_notification_outbox"));
    started->db->declare<models::Notification>();
    run_async(started->db->start());
    run_async(mongodb::test::drop_database(*started->db));
    run_async(started->db->ensure_indexes());
  }
  static void TearDownTestSuite() {
    run_async(mongodb::test::drop_database(*started->db));
    delete started;
  }
  void SetUp() override {
    models::Notification model(*started->db);
    run_async(model.delete_many({}));
  }
  mongodb::Database& db() { return *started->db; }

  std::string create(NotificationService& service, const std::string& title) {
    NewNotification n{.type = models::NotificationType::warning, .title = title, .message = "m", .data = std::nullopt};
    return run_async(service.create("user-1", std::move(n))).id.to_string();
  }

  static mongodb::test::StartedDatabase* started;
};
mongodb::test::StartedDatabase* NotificationOutboxTest::started = nullptr;

std::vector<std::string> ids(const std::vector<app::events::OutboxEvent>& events) {
  std::vector<std::string> out;
  for (const auto& e : events) out.push_back(e.id);
  return out;
}

TEST_F(NotificationOutboxTest, TheCreateWritesTheEventTheRelayPublishes) {
  int wakes = 0;
  NotificationService service(db(), [&] { ++wakes; });
  const auto id = create(service, "Hello");
  EXPECT_EQ(wakes, 1);
  NotificationOutbox outbox(db());
  auto claimed = run_async(outbox.claim("relay-a", 10, 30s));
  ASSERT_EQ(claimed.size(), 1u);
  const auto& e = claimed[0];
  EXPECT_EQ(e.id, "notification.created:" + id);
  EXPECT_EQ(e.topic, "notifications-created");
  EXPECT_EQ(e.event_type, "notification.created");
  const auto payload = boost::json::parse(e.data).as_object();
  EXPECT_EQ(payload.at("event"), "notification.created");
  EXPECT_EQ(payload.at("notificationId").as_string(), id);
  EXPECT_EQ(payload.at("userId"), "user-1");
  EXPECT_EQ(payload.at("type"), "warning");
  EXPECT_EQ(payload.at("title"), "Hello");
  EXPECT_TRUE(payload.contains("createdAt"));
  EXPECT_EQ(e.traceparent, "") << "created outside any trace";
  EXPECT_EQ(run_async(outbox.backlog()).pending, 1u);
}

// Created while handling a request: the event keeps the request's trace for the relay.
TEST_F(NotificationOutboxTest, AnEventCreatedInATraceCarriesItsTraceparent) {
  NotificationService service(db());
  const auto trace = infra::start_trace();
  auto create_traced = [&]() -> awaitable<void> {
    NewNotification n{.type = models::NotificationType::info, .title = "Traced", .message = "m", .data = std::nullopt};
    const auto traced = infra::traced(co_await asio::this_coro::executor, trace);
    (void)co_await asio::co_spawn(traced, service.create("user-1", std::move(n)), use_awaitable);
  };
  run_async(create_traced());
  NotificationOutbox outbox(db());
  auto claimed = run_async(outbox.claim("relay-a", 10, 30s));
  ASSERT_EQ(claimed.size(), 1u);
  EXPECT_EQ(claimed[0].traceparent, trace.traceparent());
}

TEST_F(NotificationOutboxTest, AClaimedEventGoesToOneRelayUntilItsLeaseExpires) {
  NotificationService service(db());
  for (int i = 0; i < 5; ++i) create(service, "n" + std::to_string(i));
  NotificationOutbox outbox(db());
  auto a = run_async(outbox.claim("relay-a", 3, 30s));
  auto b = run_async(outbox.claim("relay-b", 10, 30s));
  EXPECT_EQ(a.size(), 3u) << "at most the batch size";
  EXPECT_EQ(b.size(), 2u) << "only what relay-a does not hold";
  const auto held_by_b = ids(b);
  for (const auto& id : ids(a)) EXPECT_EQ(std::count(held_by_b.begin(), held_by_b.end(), id), 0) << id;
  EXPECT_TRUE(run_async(outbox.claim("relay-c", 10, 30s)).empty());

  // A lease that expired (a relay that died) is claimed again; the dead owner cannot mark it.
  auto short_lease = run_async(outbox.claim("relay-d", 10, 1ms));
  EXPECT_TRUE(short_lease.empty());
  models::Notification model(db());
  auto expire = mongodb::Document::from_json(R"({"$set": {"outbox.leaseUntil": {"$date": 0}}})");
  (void)run_async(model.collection().update_many(mongodb::Document::from_json(R"({"outbox.leaseOwner": "relay-a"})"),
                                                 std::move(expire)));
  auto again = run_async(outbox.claim("relay-e", 10, 30s));
  EXPECT_EQ(again.size(), 3u);
  run_async(outbox.mark_published("relay-a", ids(a)));
  EXPECT_EQ(run_async(outbox.backlog()).pending, 5u) << "a stale owner's mark does nothing";
}

TEST_F(NotificationOutboxTest, ReleaseFreesAtOnceAndPublishedEventsLeaveForGood) {
  NotificationService service(db());
  const auto first = create(service, "first");
  create(service, "second");
  NotificationOutbox outbox(db());
  auto claimed = run_async(outbox.claim("relay-a", 10, 30s));
  ASSERT_EQ(claimed.size(), 2u);
  run_async(outbox.release("relay-a", {claimed[1].id}));
  run_async(outbox.mark_published("relay-a", {claimed[0].id}));
  auto next = run_async(outbox.claim("relay-b", 10, 30s));
  ASSERT_EQ(next.size(), 1u) << "the released one, at once";
  EXPECT_EQ(next[0].id, claimed[1].id);
  run_async(outbox.mark_published("relay-b", {next[0].id}));
  EXPECT_EQ(run_async(outbox.backlog()).pending, 0u);
  EXPECT_FALSE(run_async(outbox.backlog()).oldest.has_value());

  // The notifications themselves are untouched by the bookkeeping (updatedAt included).
  auto doc = run_async(service.get("user-1", first));
  ASSERT_TRUE(doc.has_value());
  EXPECT_FALSE(doc->outbox.has_value());
  EXPECT_FALSE(doc->event_pending.has_value());
  EXPECT_EQ(doc->updated_at, doc->created_at);
}

}  // namespace
