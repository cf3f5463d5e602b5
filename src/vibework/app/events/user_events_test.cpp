// user.* events through auth's UserStore hook, against the real MariaDB: each change and its
// event_outbox row commit together or not at all.
#include <map>
#include <set>
#include <stdexcept>

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

#include "vibework/app/events/mysql_outbox.hpp"
#include "vibework/app/events/user_events.hpp"
#include "vibework/auth/test_support.hpp"
#include "vibework/auth/user_store.hpp"
#include "vibework/infra/current_trace.hpp"
#include "vibework/infra/errors.hpp"
#include "vibework/testkit/async.hpp"
#include "vibework/testkit/co_assert.hpp"

namespace vibework::app::events {
namespace {

class UserEventsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    config_ = new mysql::Config(auth::test_support::migrated_database("vibework_test_app_user_events"));
  }
  static void TearDownTestSuite() { delete config_; }
  void SetUp() override {
    users_.on_user_event(user_event_recorder([this] { ++committed_; }));
    testkit::run_async([this]() -> awaitable<void> {
      co_await db_.start();
      co_await db_.execute("DELETE FROM event_outbox");
      co_await db_.execute("DELETE FROM `user`");
    }());
  }
  void TearDown() override {
    testkit::run_async([this]() -> awaitable<void> { co_await db_.stop(); }());
  }

  awaitable<std::vector<EventOutboxRow>> rows() {
    const auto& t = MysqlOutbox::table();
    co_return co_await db_.select(t).order_by(t.created_at.asc()).all();
  }
  awaitable<schema::User> sign_up(std::string email) {
    auth::NewUser fields{.name = "Ada", .email = std::move(email)};
    co_return co_await users_.create(std::move(fields), "$argon2id$secret-hash");
  }
  awaitable<std::uint64_t> user_count() {
    co_return co_await db_.select(tables_.user).count();
  }
  // A recorder that fails, as an outbox whose table is gone would.
  static auth::UserEventRecorder failing_recorder() {
    return [](mysql::Transaction&, auth::UserEventKind, const schema::User&) -> awaitable<void> {
      throw std::runtime_error("outbox unavailable");
      co_return;
    };
  }

  static mysql::Config* config_;
  mysql::Database db_{*config_};
  schema::AuthSchema tables_{*config_};
  auth::UserStore users_{db_};
  int committed_ = 0;  // on_recorded calls: after each commit
};
mysql::Config* UserEventsTest::config_ = nullptr;

TEST_F(UserEventsTest, TheEventNamesTheUserAndCarriesNoSecret) {
  schema::User user{.id = "u1", .name = "Ada", .email = "ada@example.test", .email_verified = true};
  const TimePoint at = std::chrono::sys_days{std::chrono::year{2030} / 1 / 2} + std::chrono::milliseconds(345);
  const auto event = user_event(auth::UserEventKind::deleted, user, "evt-1", at);
  EXPECT_EQ(event.id, "evt-1");
  EXPECT_EQ(event.topic, "events");
  EXPECT_EQ(event.event_type, "user.deleted");
  EXPECT_EQ(event.created_at, at);
  const auto payload = boost::json::parse(event.data).as_object();
  EXPECT_EQ(payload.at("event"), "user.deleted");
  EXPECT_EQ(payload.at("eventId"), "evt-1");
  EXPECT_EQ(payload.at("userId"), "u1");
  EXPECT_EQ(payload.at("email"), "ada@example.test");
  EXPECT_EQ(payload.at("name"), "Ada");
  EXPECT_EQ(payload.at("emailVerified"), true);
  EXPECT_EQ(payload.at("occurredAt"), "2030-01-02T00:00:00.345Z");
  EXPECT_EQ(payload.size(), 7u);
}

TEST_F(UserEventsTest, SignUpWritesOneUserCreatedRowWithTheUser) {
  testkit::run_async([this]() -> awaitable<void> {
    const auto user = co_await sign_up("Ada@Example.TEST");
    const auto written = co_await rows();
    CO_ASSERT_TRUE(written.size() == 1u);
    const auto& row = written[0];
    EXPECT_EQ(row.topic, "events");
    EXPECT_EQ(row.event_type, "user.created");
    EXPECT_FALSE(row.published_at.has_value());
    const auto payload = boost::json::parse(row.payload).as_object();
    EXPECT_EQ(payload.at("event"), "user.created");
    EXPECT_EQ(payload.at("eventId").as_string(), row.id);  // the message's id, for deduplication
    EXPECT_EQ(payload.at("userId").as_string(), user.id);
    EXPECT_EQ(payload.at("email"), "ada@example.test");
    EXPECT_EQ(row.payload.find("argon2"), std::string::npos);
    EXPECT_FALSE(row.traceparent.has_value()) << "written outside any trace";
    EXPECT_EQ(committed_, 1);

    MysqlOutbox outbox(db_);
    const auto backlog = co_await outbox.backlog();
    EXPECT_EQ(backlog.pending, 1u);
  }());
}

// The request's trace is stored with its event, and the relay reads it back to publish it.
TEST_F(UserEventsTest, ASignUpInATraceStoresItsTraceparentWithTheEvent) {
  const auto trace = infra::start_trace();
  testkit::run_async([this, &trace]() -> awaitable<void> {
    const auto traced = infra::traced(co_await asio::this_coro::executor, trace);
    (void)co_await asio::co_spawn(traced, sign_up("traced@example.test"), use_awaitable);
    const auto written = co_await rows();
    CO_ASSERT_TRUE(written.size() == 1u);
    EXPECT_EQ(written[0].traceparent, trace.traceparent());
    MysqlOutbox outbox(db_);
    const auto claimed = co_await outbox.claim("relay-test", 10, std::chrono::seconds(30));
    CO_ASSERT_TRUE(claimed.size() == 1u);
    EXPECT_EQ(claimed[0].traceparent, trace.traceparent());
  }());
}

TEST_F(UserEventsTest, AFailedSignUpWritesNoEvent) {
  testkit::run_async([this]() -> awaitable<void> {
    (void)co_await sign_up("ada@example.test");
    bool conflict = false;
    try {
      (void)co_await sign_up("ADA@example.test");
    } catch (const infra::ConflictError&) {
      conflict = true;
    }
    EXPECT_TRUE(conflict);
    const auto written = co_await rows();
    EXPECT_EQ(written.size(), 1u);
    EXPECT_EQ(committed_, 1);  // never woken for the rolled-back one
  }());
}

TEST_F(UserEventsTest, WhenTheRecorderFailsTheUserChangeRollsBack) {
  testkit::run_async([this]() -> awaitable<void> {
    const auto user = co_await sign_up("ada@example.test");
    users_.on_user_event(failing_recorder());

    bool failed = false;
    try {
      (void)co_await sign_up("grace@example.test");
    } catch (const std::runtime_error&) {
      failed = true;
    }
    EXPECT_TRUE(failed);
    EXPECT_EQ(co_await user_count(), 1u);
    EXPECT_EQ(co_await db_.select(tables_.account).count(), 1u);  // no credential account either

    failed = false;
    try {
      auth::ProfileChange rename{.name = "Countess"};
      (void)co_await users_.update_profile(user.id, std::move(rename));
    } catch (const std::runtime_error&) {
      failed = true;
    }
    EXPECT_TRUE(failed);
    const auto unchanged = co_await users_.find(user.id);
    CO_ASSERT_TRUE(unchanged.has_value());
    EXPECT_EQ(unchanged->name, "Ada");

    failed = false;
    try {
      (void)co_await users_.remove(user.id);
    } catch (const std::runtime_error&) {
      failed = true;
    }
    EXPECT_TRUE(failed);
    EXPECT_EQ(co_await user_count(), 1u);
    EXPECT_EQ((co_await rows()).size(), 1u);  // only the first sign-up's
  }());
}

TEST_F(UserEventsTest, ProfileEmailAndDeletionEachWriteTheirEvent) {
  testkit::run_async([this]() -> awaitable<void> {
    const auto user = co_await sign_up("ada@example.test");
    auth::ProfileChange rename{.name = "Countess"};
    const auto renamed = co_await users_.update_profile(user.id, std::move(rename));
    CO_ASSERT_TRUE(renamed.has_value());
    const std::optional<std::string> new_email = "lovelace@example.test";
    const auto moved = co_await users_.set_email(user.id, new_email, true);
    CO_ASSERT_TRUE(moved.has_value());
    EXPECT_TRUE(co_await users_.remove(user.id));
    EXPECT_FALSE(co_await users_.remove(user.id));  // nothing left: no event
    auth::ProfileChange nobody{.name = "Nobody"};
    EXPECT_FALSE((co_await users_.update_profile("no-such-user", std::move(nobody))).has_value());

    const auto written = co_await rows();
    CO_ASSERT_TRUE(written.size() == 4u);
    // Keyed by what each says (events of one millisecond have no order between them).
    std::map<std::string, boost::json::object> by_kind;
    std::set<std::string> ids;
    for (const auto& row : written) {
      auto payload = boost::json::parse(row.payload).as_object();
      EXPECT_EQ(payload.at("event").as_string(), row.event_type);
      std::string key = row.event_type;
      if (key == "user.updated") key += payload.at("emailVerified").as_bool() ? ":email" : ":profile";
      by_kind[key] = std::move(payload);
      ids.insert(row.id);
    }
    EXPECT_EQ(ids.size(), 4u);  // one id per event
    CO_ASSERT_TRUE(by_kind.size() == 4u);
    EXPECT_TRUE(by_kind.contains("user.created"));
    EXPECT_EQ(by_kind["user.updated:profile"].at("name"), "Countess");
    EXPECT_EQ(by_kind["user.updated:profile"].at("email"), "ada@example.test");
    EXPECT_EQ(by_kind["user.updated:email"].at("email"), "lovelace@example.test");
    EXPECT_EQ(by_kind["user.updated:email"].at("name"), "Countess");
    EXPECT_EQ(by_kind["user.deleted"].at("userId").as_string(), user.id);  // the user as it was
    EXPECT_EQ(by_kind["user.deleted"].at("email"), "lovelace@example.test");
    EXPECT_EQ(committed_, 4);
  }());
}

}  // namespace
}  // namespace vibework::app::events
