// SessionStore against the real MariaDB (scripts/services start), on the migrated Better-Auth
// schema, with a clock the test moves.
#include <gtest/gtest.h>

#include "vibework/auth/session_store.hpp"
#include "vibework/auth/test_support.hpp"
#include "vibework/testkit/async.hpp"
#include "vibework/testkit/co_assert.hpp"

namespace vibework::auth {
namespace {

using namespace std::chrono_literals;

class SessionStoreTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    config_ = new mysql::Config(test_support::migrated_database("vibework_test_auth_sessions"));
  }
  static void TearDownTestSuite() { delete config_; }

  void SetUp() override {
    testkit::run_async([this]() -> awaitable<void> {
      co_await db_.start();
      co_await db_.execute("DELETE FROM `session`");
      co_await db_.execute("DELETE FROM `user`");
      schema::User ada;
      ada.id = "u-ada";
      ada.name = "Ada";
      ada.email = "ada@example.test";
      ada.created_at = now_;
      ada.updated_at = now_;
      auto& users = tables_.user;
      co_await db_.insert(users).values(ada).execute();
    }());
  }
  void TearDown() override {
    testkit::run_async([this]() -> awaitable<void> { co_await db_.stop(); }());
  }

  static mysql::Config* config_;
  mysql::Database db_{*config_};
  schema::AuthSchema tables_{*config_};
  TimePoint now_{std::chrono::milliseconds(1'800'000'000'000)};
  SessionStore store_{db_, SessionPolicy{}, [this] { return now_; }};
};
mysql::Config* SessionStoreTest::config_ = nullptr;

TEST_F(SessionStoreTest, CreatesAndPresentsASession) {
  testkit::run_async([this]() -> awaitable<void> {
    NewSession options{.remember_me = true, .ip = "203.0.113.7", .user_agent = "curl/8"};
    const auto created = co_await store_.create("u-ada", std::move(options));
    EXPECT_EQ(created.token.size(), 32u);
    EXPECT_NE(created.token, created.id);
    EXPECT_EQ(created.expires_at, now_ + 7 * 24h);

    auto found = co_await store_.present(created.token);
    CO_ASSERT_TRUE(found.has_value());
    EXPECT_EQ(found->session.id, created.id);
    EXPECT_EQ(found->session.ip_address, "203.0.113.7");
    EXPECT_EQ(found->session.user_agent, "curl/8");
    EXPECT_EQ(found->user.email, "ada@example.test");
    EXPECT_FALSE(found->refreshed);
    auto unknown = co_await store_.present("no-such-token");
    EXPECT_FALSE(unknown.has_value());
  }());
}

TEST_F(SessionStoreTest, SlidesOnceADayAndDeletesExpiredRowsWhenPresented) {
  testkit::run_async([this]() -> awaitable<void> {
    const auto created = co_await store_.create("u-ada");
    now_ += 25h;
    auto slid = co_await store_.present(created.token);
    CO_ASSERT_TRUE(slid.has_value());
    EXPECT_TRUE(slid->refreshed);
    EXPECT_EQ(slid->session.expires_at, now_ + 7 * 24h);
    auto again = co_await store_.present(created.token);
    CO_ASSERT_TRUE(again.has_value());
    EXPECT_FALSE(again->refreshed) << "the row was extended: not due again for a day";
    EXPECT_EQ(again->session.expires_at, slid->session.expires_at) << "the extension was stored";

    now_ += 8 * 24h;
    auto expired = co_await store_.present(created.token);
    EXPECT_FALSE(expired.has_value());
    auto& sessions = tables_.session;
    const auto left = co_await db_.select(sessions).count();
    EXPECT_EQ(left, 0u) << "an expired session is deleted when presented";
  }());
}

TEST_F(SessionStoreTest, WithoutRememberMeItLivesADayAndNeverSlides) {
  testkit::run_async([this]() -> awaitable<void> {
    NewSession options{.remember_me = false};
    const auto created = co_await store_.create("u-ada", std::move(options));
    EXPECT_EQ(created.expires_at, now_ + 24h);
    now_ += 23h;
    PresentOptions forgotten{.dont_remember = true};
    auto found = co_await store_.present(created.token, forgotten);
    CO_ASSERT_TRUE(found.has_value());
    EXPECT_FALSE(found->refreshed);
    EXPECT_EQ(found->session.expires_at, created.expires_at);
  }());
}

TEST_F(SessionStoreTest, RevokesOneAllOrAllButTheCurrentAndSweepsExpired) {
  testkit::run_async([this]() -> awaitable<void> {
    const auto a = co_await store_.create("u-ada");
    const auto b = co_await store_.create("u-ada");
    const auto c = co_await store_.create("u-ada");
    auto listed = co_await store_.list_for_user("u-ada");
    EXPECT_EQ(listed.size(), 3u);

    EXPECT_TRUE(co_await store_.revoke(a.token));
    EXPECT_FALSE(co_await store_.revoke(a.token));
    EXPECT_EQ(co_await store_.revoke_all("u-ada", c.token), 1u);  // b goes, c stays
    auto kept = co_await store_.present(c.token);
    EXPECT_TRUE(kept.has_value());
    auto gone = co_await store_.present(b.token);
    EXPECT_FALSE(gone.has_value());

    NewSession short_lived{.remember_me = false};
    (void)co_await store_.create("u-ada", std::move(short_lived));
    now_ += 2 * 24h;
    EXPECT_EQ(co_await store_.delete_expired(), 1u);
    EXPECT_EQ((co_await store_.list_for_user("u-ada")).size(), 1u);
    EXPECT_EQ(co_await store_.revoke_all("u-ada"), 1u);
  }());
}

}  // namespace
}  // namespace vibework::auth
