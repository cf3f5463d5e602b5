// The Database component against a real server: start, health, indexes, stop.
#include "vibework/mongodb/database.hpp"

#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/asio/post.hpp>
#include <mongoc/mongoc.h>

#include "vibework/infra/async/gather.hpp"
#include "vibework/infra/health.hpp"
#include "vibework/infra/lifecycle.hpp"
#include "vibework/mongodb/model.hpp"
#include "vibework/mongodb/test_support.hpp"
#include "vibework/models/notification.hpp"
#include "vibework/testkit/async.hpp"

namespace vibework::mongodb {
namespace {

using models::Notification;
using ::testing::HasSubstr;
using testkit::run_async;

std::string index_summary(const std::vector<Document>& indexes) {
  std::string out;
  for (const auto& i : indexes) out += i.to_json() + "\n";
  return out;
}

const Document* find_index(const std::vector<Document>& indexes, const std::string& name) {
  for (const auto& i : indexes) {
    bson_iter_t it;
    if (bson_iter_init_find(&it, i.get(), "name") && BSON_ITER_HOLDS_UTF8(&it) && name == bson_iter_utf8(&it, nullptr)) {
      return &i;
    }
  }
  return nullptr;
}

TEST(Database, StartsPingsAndReportsHealthToReadiness) {
  infra::Readiness readiness(std::chrono::seconds(5));
  infra::Runtime runtime({1, 4});
  infra::Lifecycle lifecycle(readiness);
  auto db = lifecycle.add(std::make_shared<Database>(test::config_for("vibework_test_database"), runtime));
  run_async(lifecycle.start_all());
  EXPECT_EQ(readiness.names(), std::vector<std::string>{"mongodb"});
  const auto report = run_async(readiness.report());
  ASSERT_EQ(report.checks.size(), 1u);
  EXPECT_TRUE(report.checks[0].status.is_ok()) << report.checks[0].status.message;
  const auto health = run_async(db->check_health());
  EXPECT_TRUE(health.is_ok()) << health.message;
  run_async(db->stop());
  const auto after = run_async(db->check_health());
  EXPECT_FALSE(after.is_ok()) << "a stopped client is not healthy";
  EXPECT_THAT(after.message, HasSubstr("shut down"));
}

TEST(Database, DeclaredIndexesExistAfterStartAndStartIsIdempotent) {
  const auto config = test::config_for("vibework_test_indexes");
  {
    test::StartedDatabase first(config);
    run_async(first.db->start());
    run_async(test::drop_database(*first.db));
  }
  std::vector<Document> before;
  for (int round = 0; round < 2; ++round) {
    test::StartedDatabase s(config);
    s.db->declare<Notification>();
    run_async(s.db->start());  // the second round finds the indexes already there
    auto indexes = run_async(s.db->collection("notifications").list_indexes());
    const Document* index = find_index(indexes, "userId_1_read_1_createdAt_-1");
    ASSERT_NE(index, nullptr) << index_summary(indexes);
    EXPECT_THAT(index->to_json(), HasSubstr(R"("key" : { "userId" : 1, "read" : 1, "createdAt" : -1 })"));
    if (round == 0) before = indexes;
    else EXPECT_EQ(indexes.size(), before.size()) << index_summary(indexes);
    run_async(s.db->ensure_indexes());  // and again on a running database
  }
}

TEST(Database, UniqueIndexIsCreatedAndEnforced) {
  test::StartedDatabase s(test::config_for("vibework_test_indexes_unique"));
  s.db->declare_indexes("sessions", {{.keys = {{"token", 1}}, .name = "token_unique", .unique = true}});
  run_async(s.db->start());
  auto indexes = run_async(s.db->collection("sessions").list_indexes());
  const Document* unique = find_index(indexes, "token_unique");
  ASSERT_NE(unique, nullptr) << index_summary(indexes);
  EXPECT_THAT(unique->to_json(), HasSubstr(R"("unique" : true)"));
  run_async([&]() -> awaitable<void> {
    auto sessions = s.db->collection("sessions");
    co_await sessions.delete_many(Document());
    co_await sessions.insert_one(Document::from_json(R"({"token": "t1"})"));
    EXPECT_THROW(co_await sessions.insert_one(Document::from_json(R"({"token": "t1"})")), infra::ConflictError);
  }());
}

TEST(Database, TtlIndexOnMongoDbOrANamedRefusalOnFerretDb) {
  test::StartedDatabase s(test::config_for("vibework_test_indexes_ttl"));
  run_async(s.db->start());
  const bool ferret = run_async(test::is_ferretdb(*s.db));
  s.db->declare_indexes("expiring", {{.keys = {{"expiresAt", 1}}, .expire_after = std::chrono::seconds(3600)}});
  if (ferret) {
    // FerretDB v1.24 has no TTL indexes: the refusal names the collection, the index and the option.
    try {
      run_async(s.db->ensure_indexes());
      FAIL() << "FerretDB accepted a TTL index; update docs/mongodb.md";
    } catch (const infra::QueryError& e) {
      EXPECT_THAT(e.what(), HasSubstr("expiresAt_1"));
      EXPECT_THAT(e.what(), HasSubstr("expiring"));
      EXPECT_THAT(e.what(), HasSubstr("expireAfterSeconds"));
    }
  } else {
    run_async(s.db->ensure_indexes());
    auto indexes = run_async(s.db->collection("expiring").list_indexes());
    const Document* ttl = find_index(indexes, "expiresAt_1");
    ASSERT_NE(ttl, nullptr) << index_summary(indexes);
    EXPECT_THAT(ttl->to_json(), HasSubstr("expireAfterSeconds"));
  }
}

TEST(Database, IndexConflictIsReportedClearly) {
  const auto config = test::config_for("vibework_test_index_conflict");
  {
    test::StartedDatabase s(config);
    run_async(s.db->start());
    run_async(test::drop_database(*s.db));
    s.db->declare_indexes("things", {{.keys = {{"a", 1}}, .name = "by_a"}});
    run_async(s.db->ensure_indexes());
  }
  test::StartedDatabase s(config);
  // Same name, other keys: the server refuses, start() says which index on which collection.
  s.db->declare_indexes("things", {{.keys = {{"b", 1}}, .name = "by_a"}});
  try {
    run_async(s.db->start());
    FAIL() << "start() should report the index conflict";
  } catch (const infra::ConflictError& e) {
    EXPECT_THAT(e.what(), HasSubstr("by_a"));
    EXPECT_THAT(e.what(), HasSubstr("things"));
    EXPECT_THAT(e.what(), HasSubstr("dropIndex"));
  }
}

TEST(Database, UnreachableServerDoesNotFailStartAndHealthNamesTheAddress) {
  auto config = test::config_for("vibework_test_unreachable");
  config.uri = "mongodb://127.0.0.1:1/vibework";  // nothing listens on port 1
  config.address = "127.0.0.1:1";
  config.server_selection_timeout = std::chrono::milliseconds(300);
  infra::Readiness readiness(std::chrono::seconds(5));
  infra::Runtime runtime({1, 2});
  infra::Lifecycle lifecycle(readiness);
  auto db = lifecycle.add(std::make_shared<Database>(config, runtime));
  run_async(lifecycle.start_all());  // the service starts; readiness says what is wrong
  EXPECT_EQ(readiness.names(), std::vector<std::string>{"mongodb"});
  const auto health = run_async(db->check_health());
  EXPECT_FALSE(health.is_ok());
  EXPECT_THAT(health.message, HasSubstr("127.0.0.1:1"));
  EXPECT_THAT(health.message, HasSubstr("scripts/services start"));
  try {
    run_async(Notification(*db).count());
    FAIL() << "an operation should fail";
  } catch (const infra::UnavailableError& e) {
    EXPECT_THAT(e.what(), HasSubstr("127.0.0.1:1"));
  }
  run_async(db->stop());
}

// Concurrent updates of one document all count: FerretDB reads and writes a document back in two
// steps (two concurrent $inc can leave +1), so `auto` serializes this process's updates there.
TEST(Database, ConcurrentUpdatesOfOneDocumentAllCount) {
  test::StartedDatabase s(test::config_for("vibework_test_serialized_updates"));
  run_async(s.db->start());
  const bool ferret = run_async(test::is_ferretdb(*s.db));
  EXPECT_EQ(s.db->serializing_updates(), ferret) << "MONGODB_SERIALIZE_UPDATES=auto follows the server";
  auto counters = s.db->collection("counters");
  run_async(counters.delete_many(Document::from_json("{}")));
  run_async(counters.insert_one(Document::from_json(R"({"_id": "c", "n": 0, "m": 0})")));
  constexpr std::size_t writers = 40;
  run_async([&]() -> awaitable<void> {
    // Half findAndModify, half update: the two kinds the notifications API and its relay mix.
    auto bump = [&](std::size_t i) -> awaitable<void> {
      auto filter = Document::from_json(R"({"_id": "c"})");
      if (i % 2 == 0) {
        auto inc = Document::from_json(R"({"$inc": {"n": 1}})");
        (void)co_await counters.find_one_and_update(std::move(filter), std::move(inc), true);
      } else {
        auto inc = Document::from_json(R"({"$inc": {"m": 1}})");
        (void)co_await counters.update_many(std::move(filter), std::move(inc));
      }
    };
    co_await infra::gather(writers, std::move(bump));
  }());
  auto found = run_async(counters.find_one(Document::from_json(R"({"_id": "c"})")));
  ASSERT_TRUE(found.has_value());
  EXPECT_THAT(found->to_json(), HasSubstr(R"("n" : 20)")) << found->to_json();
  EXPECT_THAT(found->to_json(), HasSubstr(R"("m" : 20)")) << found->to_json();
}

TEST(Database, StopWaitsForInFlightOperationsThenRefuses) {
  test::StartedDatabase s(test::config_for("vibework_test_stop"));
  run_async(s.db->start());
  int completed = 0;
  run_async([&]() -> awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    Notification model(*s.db);
    for (int i = 0; i < 20; ++i) {
      asio::co_spawn(ex, [&]() -> awaitable<void> {
        models::NotificationDocument n;
        n.user_id = "u-stop";
        co_await model.create(n);
        ++completed;
      }, asio::detached);
    }
    // One turn of the event loop, not a guessed time: the creates, queued before this coroutine,
    // take their slots and go to the driver; then stop while they are in flight.
    co_await asio::post(ex, use_awaitable);
    co_await s.db->stop();
    EXPECT_EQ(s.db->started(), false);
  }());
  // Every create that got a slot finished before the pool was destroyed; waiting ones were refused.
  EXPECT_GT(completed, 0);
  EXPECT_THROW(run_async(Notification(*s.db).count()), infra::UnavailableError);
}

TEST(Database, DriverCallsRunOffTheCallingThread) {
  test::StartedDatabase s(test::config_for("vibework_test_threads"));
  run_async(s.db->start());
  const auto caller = std::this_thread::get_id();  // run_async drives the coroutine on this thread
  auto where = [](mongoc_client_t*) { return std::this_thread::get_id(); };
  const auto worker = run_async(s.db->run("thread check", std::move(where)));
  EXPECT_NE(worker, caller);
}

TEST(Database, OperationsBeforeStartAreRefused) {
  infra::Runtime runtime({1, 1});
  Database db(test::config_for("vibework_test_not_started"), runtime);
  EXPECT_THROW(run_async(Notification(db).count()), infra::UnavailableError);
}

}  // namespace
}  // namespace vibework::mongodb
