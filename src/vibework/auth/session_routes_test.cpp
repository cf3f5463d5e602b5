// get-session, sign-out and ok through the router, on the real MariaDB, as the official client
// calls them (facts file §2.4, §2.5, §2.19).
#include <set>
#include <string>

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "vibework/auth/session_guard.hpp"
#include "vibework/auth/session_routes.hpp"
#include "vibework/auth/signed_cookie.hpp"
#include "vibework/auth/test_support.hpp"
#include "vibework/auth/user_store.hpp"
#include "vibework/auth/wire.hpp"
#include "vibework/http/http_error.hpp"
#include "vibework/http/response.hpp"
#include "vibework/testkit/async.hpp"
#include "vibework/testkit/co_assert.hpp"

namespace vibework::auth {
namespace {

using namespace std::chrono_literals;

class SessionRoutesTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    config_ = new mysql::Config(test_support::migrated_database("vibework_test_auth_routes"));
  }
  static void TearDownTestSuite() { delete config_; }

  void SetUp() override {
    AuthRouter routes(router_, "/api/auth");
    register_session_routes(routes, {store_, cookies_, origins_});
    router_.get("/me", require_session(cookies_, store_,
                                       [](http::Request&, const SignedIn& who) -> awaitable<http::Response> {
                                         co_return http::json_response(http::Status::ok, user_json(who.user));
                                       }));
    testkit::run_async([this]() -> awaitable<void> {
      co_await db_.start();
      co_await db_.execute("DELETE FROM `user`");
      NewUser ada{.name = "Ada", .email = "ada@example.test"};
      user_ = co_await users_.create(std::move(ada), "hash");
    }());
  }
  void TearDown() override {
    testkit::run_async([this]() -> awaitable<void> { co_await db_.stop(); }());
  }

  http::Response call(http::Verb method, const std::string& target, const std::string& cookie = "",
                      const std::string& origin = "", const std::string& body = "") {
    test_support::TestRequest r{.method = method, .target = target, .body = body};
    if (!cookie.empty()) r.headers.emplace_back("Cookie", cookie);
    if (!origin.empty()) r.headers.emplace_back("Origin", origin);
    return test_support::call_route(router_, std::move(r));
  }
  std::string cookie_for(const std::string& token) const {
    return "better-auth.session_token=" + sign_cookie_value(token, auth_config_.secrets.front());
  }

  static mysql::Config* config_;
  mysql::Database db_{*config_};
  TimePoint now_{std::chrono::milliseconds(1'800'000'000'000)};
  SessionStore store_{db_, SessionPolicy{}, [this] { return now_; }};
  UserStore users_{db_, [this] { return now_; }};
  Config auth_config_ = [] {
    Config c;
    c.secrets = {std::string(32, 's')};
    return c;
  }();
  SessionCookies cookies_{auth_config_, false};
  TrustedOrigins origins_{"http://localhost:3000", {}};
  http::Router router_;
  schema::User user_;
};
mysql::Config* SessionRoutesTest::config_ = nullptr;

TEST_F(SessionRoutesTest, OkAnswersOk) {
  auto res = call(http::Verb::get, "/api/auth/ok");
  EXPECT_EQ(res.result(), http::Status::ok);
  EXPECT_EQ(res.body(), R"({"ok":true})");
}

TEST_F(SessionRoutesTest, GetSessionIsNullWithoutAValidCookieAndNeverCached) {
  auto none = call(http::Verb::get, "/api/auth/get-session");
  EXPECT_EQ(none.result(), http::Status::ok);
  EXPECT_EQ(none.body(), "null");
  EXPECT_EQ(none[http::beast_http::field::cache_control], "no-store");
  EXPECT_EQ(none[http::beast_http::field::pragma], "no-cache");
  auto forged = call(http::Verb::get, "/api/auth/get-session", "better-auth.session_token=abc.def");
  EXPECT_EQ(forged.body(), "null");
  EXPECT_EQ(forged.count(http::beast_http::field::set_cookie), 0u) << "a bad signature does not clear the cookie";
}

TEST_F(SessionRoutesTest, GetSessionReturnsSessionAndUserAndSlidesOnceADay) {
  const auto session = testkit::run_async(store_.create(user_.id));
  auto res = call(http::Verb::get, "/api/auth/get-session", cookie_for(session.token));
  const auto body = boost::json::parse(res.body()).as_object();
  EXPECT_EQ(body.at("session").at("token").as_string(), session.token);
  EXPECT_EQ(body.at("user").at("email").as_string(), "ada@example.test");
  EXPECT_EQ(res.count(http::beast_http::field::set_cookie), 0u) << "not due: no Set-Cookie";

  now_ += 25h;
  auto slid = call(http::Verb::get, "/api/auth/get-session", cookie_for(session.token));
  EXPECT_EQ(slid[http::beast_http::field::set_cookie], cookies_.refresh(session.token));
  auto disabled = call(http::Verb::get, "/api/auth/get-session?disableRefresh=false", cookie_for(session.token));
  EXPECT_EQ(disabled.count(http::beast_http::field::set_cookie), 0u);

  now_ += 9 * 24h;
  auto expired = call(http::Verb::get, "/api/auth/get-session", cookie_for(session.token));
  EXPECT_EQ(expired.body(), "null");
  EXPECT_EQ(expired.count(http::beast_http::field::set_cookie), 3u) << "an expired session's cookies are cleared";
}

TEST_F(SessionRoutesTest, SignOutDeletesTheSessionAndClearsCookies) {
  const auto session = testkit::run_async(store_.create(user_.id));
  auto foreign = call(http::Verb::post, "/api/auth/sign-out", cookie_for(session.token), "https://evil.example");
  EXPECT_EQ(foreign.result(), http::Status::forbidden);
  EXPECT_NE(foreign.body().find("INVALID_ORIGIN"), std::string::npos);

  auto res = call(http::Verb::post, "/api/auth/sign-out", cookie_for(session.token), "http://localhost:3000");
  EXPECT_EQ(res.result(), http::Status::ok);
  EXPECT_EQ(res.body(), R"({"success":true})");
  EXPECT_EQ(res.count(http::beast_http::field::set_cookie), 3u);
  auto after = call(http::Verb::get, "/api/auth/get-session", cookie_for(session.token));
  EXPECT_EQ(after.body(), "null");

  auto without = call(http::Verb::post, "/api/auth/sign-out");
  EXPECT_EQ(without.result(), http::Status::ok) << "signing out without a session is no error";
}

TEST_F(SessionRoutesTest, TheGuardAnswers401WithoutASessionAndGivesTheHandlerTheUser) {
  auto anonymous = call(http::Verb::get, "/me");
  EXPECT_EQ(anonymous.result(), http::Status::unauthorized);
  const auto error = boost::json::parse(anonymous.body()).as_object();
  EXPECT_EQ(error.at("code").as_string(), "UNAUTHORIZED");
  EXPECT_EQ(error.at("message").as_string(), "Unauthorized");

  const auto session = testkit::run_async(store_.create(user_.id));
  auto me = call(http::Verb::get, "/me", cookie_for(session.token));
  EXPECT_EQ(me.result(), http::Status::ok);
  EXPECT_EQ(boost::json::parse(me.body()).at("email").as_string(), "ada@example.test");
  EXPECT_EQ(me.count(http::beast_http::field::set_cookie), 0u);
  now_ += 25h;
  auto slid = call(http::Verb::get, "/me", cookie_for(session.token));
  EXPECT_EQ(slid[http::beast_http::field::set_cookie], cookies_.refresh(session.token));

  (void)testkit::run_async(store_.revoke(session.token));
  EXPECT_EQ(call(http::Verb::get, "/me", cookie_for(session.token)).result(), http::Status::unauthorized)
      << "a revoked session is refused at once";
}

TEST_F(SessionRoutesTest, ListSessionsNeedsAFreshSession) {
  const auto a = testkit::run_async(store_.create(user_.id));
  const auto b = testkit::run_async(store_.create(user_.id));
  auto listed = call(http::Verb::get, "/api/auth/list-sessions", cookie_for(a.token));
  EXPECT_EQ(listed.result(), http::Status::ok);
  const auto sessions = boost::json::parse(listed.body()).as_array();
  std::set<std::string> tokens;
  for (const auto& s : sessions) tokens.insert(std::string(s.at("token").as_string()));
  EXPECT_EQ(tokens, (std::set<std::string>{a.token, b.token}));

  now_ += 25h;
  auto stale = call(http::Verb::get, "/api/auth/list-sessions", cookie_for(a.token));
  EXPECT_EQ(stale.result(), http::Status::forbidden);
  EXPECT_EQ(boost::json::parse(stale.body()).at("code").as_string(), "SESSION_NOT_FRESH");
}

TEST_F(SessionRoutesTest, RevokeSessionDeletesOnlyTheCallersAndAlwaysSaysTrue) {
  const auto mine = testkit::run_async(store_.create(user_.id));
  const auto other = testkit::run_async(store_.create(user_.id));
  NewUser eve_fields{.name = "Eve", .email = "eve@example.test"};
  const auto eve = testkit::run_async(users_.create(std::move(eve_fields), "hash"));
  const auto foreign = testkit::run_async(store_.create(eve.id));
  const std::string origin = "http://localhost:3000";

  auto res = call(http::Verb::post, "/api/auth/revoke-session", cookie_for(mine.token), origin,
                  R"({"token":")" + other.token + R"("})");
  EXPECT_EQ(res.body(), R"({"status":true})");
  EXPECT_FALSE(testkit::run_async(store_.present(other.token)).has_value());
  auto theirs = call(http::Verb::post, "/api/auth/revoke-session", cookie_for(mine.token), origin,
                     R"({"token":")" + foreign.token + R"("})");
  EXPECT_EQ(theirs.body(), R"({"status":true})");
  EXPECT_TRUE(testkit::run_async(store_.present(foreign.token)).has_value()) << "another user's session stays";

  auto missing = call(http::Verb::post, "/api/auth/revoke-session", cookie_for(mine.token), origin, "{}");
  EXPECT_EQ(missing.result(), http::Status::bad_request);
  EXPECT_NE(missing.body().find("[body.token] Invalid input: expected string, received undefined"), std::string::npos);
  auto bad_json = call(http::Verb::post, "/api/auth/revoke-session", cookie_for(mine.token), origin, "{");
  EXPECT_NE(bad_json.body().find("Invalid JSON in request body"), std::string::npos);
  auto cross = call(http::Verb::post, "/api/auth/revoke-session", "better-auth.session_token=x", "https://evil.example", "{}");
  EXPECT_EQ(cross.result(), http::Status::forbidden) << "the origin check comes before the session check";
  auto anonymous = call(http::Verb::post, "/api/auth/revoke-session", "", "", "{}");
  EXPECT_EQ(anonymous.result(), http::Status::bad_request) << "the body is checked before the session";
  auto anonymous_token = call(http::Verb::post, "/api/auth/revoke-session", "", "", R"({"token":"x"})");
  EXPECT_EQ(anonymous_token.result(), http::Status::unauthorized);
}

TEST_F(SessionRoutesTest, RevokeOtherSessionsKeepsTheCurrentOneAndRevokeSessionsNot) {
  const auto current = testkit::run_async(store_.create(user_.id));
  const auto other = testkit::run_async(store_.create(user_.id));
  const std::string origin = "http://localhost:3000";
  auto others = call(http::Verb::post, "/api/auth/revoke-other-sessions", cookie_for(current.token), origin, "{}");
  EXPECT_EQ(others.body(), R"({"status":true})");
  EXPECT_TRUE(testkit::run_async(store_.present(current.token)).has_value());
  EXPECT_FALSE(testkit::run_async(store_.present(other.token)).has_value());

  auto all = call(http::Verb::post, "/api/auth/revoke-sessions", cookie_for(current.token), origin, "{}");
  EXPECT_EQ(all.body(), R"({"status":true})");
  EXPECT_EQ(all.count(http::beast_http::field::set_cookie), 0u) << "Better-Auth does not clear the cookies here";
  EXPECT_FALSE(testkit::run_async(store_.present(current.token)).has_value());
}

}  // namespace
}  // namespace vibework::auth
