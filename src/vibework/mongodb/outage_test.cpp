// The server goes away and comes back: operations fail with a clear error within the configured
// bound and succeed again after the restart, with the same Database (no process restart).
// Uses a PRIVATE FerretDB on its own port, never the shared one.
#include <iostream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "vibework/mongodb/model.hpp"
#include "vibework/mongodb/test_support.hpp"
#include "vibework/models/notification.hpp"
#include "vibework/testkit/async.hpp"
#include "vibework/testkit/eventually.hpp"

namespace vibework::mongodb {
namespace {

using models::Notification;
using models::NotificationDocument;
using ::testing::HasSubstr;
using testkit::run_async;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

mongodb::Config outage_config(const test::PrivateFerret& ferret) {
  auto config = test::config_for("vibework_test_outage");
  config.uri = ferret.uri("vibework_test_outage");
  config.address = "127.0.0.1:" + std::to_string(ferret.port());
  config.server_selection_timeout = milliseconds(1000);
  config.connect_timeout = milliseconds(1000);
  config.socket_timeout = milliseconds(1500);
  config.operation_timeout = milliseconds(1500);
  return config;
}

NotificationDocument note(const std::string& title) {
  NotificationDocument n;
  n.user_id = "u-outage";
  n.title = title;
  return n;
}

// Retries `op` until it succeeds or `limit` passes.
template <typename Op>
void until_success(Op op, milliseconds limit) {
  std::string last;
  const bool succeeded = testkit::eventually(
      [&] {
        try {
          run_async(op());
          return true;
        } catch (const std::exception& e) {
          last = e.what();
          return false;
        }
      },
      limit, milliseconds(100));
  EXPECT_TRUE(succeeded) << "still failing after " << limit.count() << " ms: " << last;
}

class OutageTest : public ::testing::Test {
 protected:
  test::PrivateFerret ferret;
  test::StartedDatabase started{outage_config(ferret), 4};
  Notification notifications{*started.db};
  void SetUp() override { run_async(started.db->start()); }
};

TEST_F(OutageTest, ServerStoppedThenRestarted) {
  const auto created = run_async(notifications.create(note("before")));
  const auto bound = started.db->config().operation_deadline() + milliseconds(1000);

  ferret.stop();
  const auto begin = Clock::now();
  try {
    run_async(notifications.find_by_id(created.id));
    FAIL() << "an operation on a stopped server should fail";
  } catch (const infra::Error& e) {
    EXPECT_TRUE(e.kind() == infra::ErrorKind::unavailable || e.kind() == infra::ErrorKind::timeout) << e.what();
    EXPECT_EQ(e.service(), "mongodb");
    EXPECT_THAT(e.what(), HasSubstr("127.0.0.1:" + std::to_string(ferret.port())));
    std::cout << "stopped server: " << e.what() << " after "
              << std::chrono::duration_cast<milliseconds>(Clock::now() - begin).count() << " ms\n";
  }
  EXPECT_LT(Clock::now() - begin, bound) << "fails within the configured timeouts";
  EXPECT_FALSE(run_async(started.db->check_health()).is_ok());

  ferret.start();
  until_success([&]() -> awaitable<void> {
    auto found = co_await notifications.find_by_id(created.id);
    if (!found) throw std::runtime_error("document written before the outage is missing");
  }, std::chrono::seconds(20));
  EXPECT_TRUE(run_async(started.db->check_health()).is_ok());
  run_async(notifications.create(note("after")));
  EXPECT_EQ(run_async(notifications.count(Notification::user_id == "u-outage")), 2);
}

TEST_F(OutageTest, ServerFrozenThenResumed) {
  run_async(notifications.create(note("before")));
  const auto bound = started.db->config().operation_deadline() + milliseconds(1000);

  ferret.pause();  // the port stays open but nothing answers: only timeouts can end the wait
  const auto begin = Clock::now();
  try {
    run_async(notifications.count());
    ADD_FAILURE() << "an operation on a frozen server should fail";
  } catch (const infra::Error& e) {
    EXPECT_TRUE(e.kind() == infra::ErrorKind::unavailable || e.kind() == infra::ErrorKind::timeout) << e.what();
    EXPECT_EQ(e.service(), "mongodb");
    std::cout << "frozen server: " << e.what() << " after "
              << std::chrono::duration_cast<milliseconds>(Clock::now() - begin).count() << " ms\n";
  }
  EXPECT_LT(Clock::now() - begin, bound) << "fails within the configured timeouts";
  const auto health = run_async(started.db->check_health());
  EXPECT_FALSE(health.is_ok());

  ferret.resume();
  until_success([&]() -> awaitable<void> { co_await notifications.count(); }, std::chrono::seconds(20));
  EXPECT_EQ(run_async(notifications.count()), 1);
}

// Started while the server is down: the start succeeds, readiness reports the problem, and the
// first health check that reaches the server ensures the declared indexes.
TEST(OutageAtStart, StartsWhileDownAndEnsuresIndexesWhenTheServerAnswers) {
  test::PrivateFerret ferret;
  ferret.stop();
  test::StartedDatabase started(outage_config(ferret), 4);
  started.db->declare<Notification>();
  run_async(started.db->start());
  EXPECT_FALSE(run_async(started.db->check_health()).is_ok());

  ferret.start();
  until_success([&]() -> awaitable<void> {
    auto health = co_await started.db->check_health();
    if (!health.is_ok()) throw std::runtime_error(health.message);
  }, std::chrono::seconds(20));
  auto indexes = run_async(started.db->collection("notifications").list_indexes());
  bool found = false;
  for (const auto& index : indexes) found = found || index.to_json().find("userId_1_read_1_createdAt_-1") != std::string::npos;
  EXPECT_TRUE(found) << "indexes are ensured once the server answers";
}

}  // namespace
}  // namespace vibework::mongodb
