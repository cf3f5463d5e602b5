// The routes behind the mailed links, on the real MariaDB: verify-email's JWT, the reset link's
// redirect, and reset-password consuming its token once (facts file §2.15-2.17).
#include "vibework/auth/email_routes.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "vibework/auth/email_token.hpp"
#include "vibework/auth/test_support.hpp"
#include "vibework/testkit/async.hpp"

namespace vibework::auth {
namespace {

using namespace std::chrono_literals;

class EmailRoutesTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    config_ = new mysql::Config(test_support::migrated_database("vibework_test_auth_email_routes"));
  }
  static void TearDownTestSuite() { delete config_; }

  void SetUp() override {
    AuthRouter routes(router_, "/api/auth");
    register_email_routes(routes, {users_, sessions_, verifications_, hasher_, cookies_, origins_, auth_config_, sender_});
    testkit::run_async([this]() -> awaitable<void> {
      co_await db_.start();
      co_await db_.execute("DELETE FROM `user`");
      co_await db_.execute("DELETE FROM `verification`");
      NewUser ada{.name = "Ada", .email = "ada@example.test"};
      user_ = co_await users_.create(std::move(ada), co_await hasher_.hash("correct horse"));
    }());
  }
  void TearDown() override {
    testkit::run_async([this]() -> awaitable<void> { co_await db_.stop(); }());
  }

  http::Response get(const std::string& target) {
    return test_support::call_route(router_, {.target = "/api/auth" + target});
  }
  http::Response post(const std::string& target, const std::string& body) {
    return test_support::call_route(router_, {.method = http::Verb::post, .target = "/api/auth" + target, .body = body});
  }
  std::string jwt(EmailTokenClaims claims, std::chrono::seconds expires_in = 3600s) {
    return sign_email_token(claims, auth_config_.secrets.front(), expires_in, now_);
  }
  static std::string code(const http::Response& res) {
    return std::string(boost::json::parse(res.body()).at("code").as_string());
  }
  schema::User reload() { return *testkit::run_async(users_.find(user_.id)); }

  static mysql::Config* config_;
  mysql::Database db_{*config_};
  TimePoint now_{std::chrono::milliseconds(1'800'000'000'000)};
  SessionStore sessions_{db_, SessionPolicy{}, [this] { return now_; }};
  UserStore users_{db_, [this] { return now_; }};
  VerificationStore verifications_{db_, [this] { return now_; }};
  Config auth_config_ = [] {
    Config c;
    c.secrets = {std::string(32, 's')};
    return c;
  }();
  PasswordHasher hasher_{{.threads = 1, .queue_limit = 8, .argon2 = {.memory_kib = 64, .iterations = 1, .parallelism = 1}}};
  SessionCookies cookies_{auth_config_, false};
  TrustedOrigins origins_{"http://localhost:3000", {}};
  EmailSender sender_{auth_config_, db_, verifications_, nullptr};  // no mail: the link routes need none
  http::Router router_;
  schema::User user_;
};
mysql::Config* EmailRoutesTest::config_ = nullptr;

TEST_F(EmailRoutesTest, WithoutAMailerTheSendingRoutesSaySo) {
  EXPECT_EQ(code(post("/send-verification-email", R"({"email":"ada@example.test"})")), "VERIFICATION_EMAIL_NOT_ENABLED");
  EXPECT_EQ(code(post("/request-password-reset", R"({"email":"ada@example.test"})")), "RESET_PASSWORD_DISABLED");
  EXPECT_EQ(code(post("/request-password-reset", R"({"email":"nope"})")), "VALIDATION_ERROR");
}

TEST_F(EmailRoutesTest, VerifyEmailMarksTheUserVerified) {
  auto res = get("/verify-email?token=" + jwt({.email = "ada@example.test"}));
  ASSERT_EQ(res.result(), http::Status::ok) << res.body();
  EXPECT_EQ(res.body(), R"({"status":true,"user":null})");
  EXPECT_TRUE(reload().email_verified);
  EXPECT_EQ(get("/verify-email?token=" + jwt({.email = "ada@example.test"})).body(), R"({"status":true,"user":null})")
      << "already verified: the same answer";
  auto redirected = get("/verify-email?token=" + jwt({.email = "ada@example.test"}) + "&callbackURL=%2Fwelcome");
  EXPECT_EQ(redirected.result(), http::Status::found);
  EXPECT_EQ(redirected[http::beast_http::field::location], "/welcome");
  EXPECT_EQ(redirected.count(http::beast_http::field::set_cookie), 0u) << "no auto sign-in unless configured";
}

TEST_F(EmailRoutesTest, VerifyEmailErrorsGoToTheCallbackOrAre401) {
  const auto expired = jwt({.email = "ada@example.test"}, 60s);
  now_ += 61s;
  auto late = get("/verify-email?token=" + expired);
  EXPECT_EQ(late.result(), http::Status::unauthorized);
  EXPECT_EQ(code(late), "TOKEN_EXPIRED");
  auto late_redirect = get("/verify-email?token=" + expired + "&callbackURL=%2Fdone%3Fa%3D1");
  EXPECT_EQ(late_redirect[http::beast_http::field::location], "/done?a=1&error=TOKEN_EXPIRED");
  EXPECT_EQ(code(get("/verify-email?token=not.a.jwt")), "INVALID_TOKEN");
  EXPECT_EQ(code(get("/verify-email?token=" + jwt({.email = "nobody@example.test"}))), "USER_NOT_FOUND");
  EXPECT_EQ(get("/verify-email?token=x&callbackURL=https%3A%2F%2Fevil.test").result(), http::Status::forbidden);
  EXPECT_FALSE(reload().email_verified);
}

TEST_F(EmailRoutesTest, ChangeEmailVerificationMovesTheAddress) {
  auto res = get("/verify-email?token=" +
                 jwt({.email = "ada@example.test", .update_to = "Ada@New.test", .request_type = "change-email-verification"}));
  ASSERT_EQ(res.result(), http::Status::ok) << res.body();
  EXPECT_EQ(boost::json::parse(res.body()).at("user").at("email").as_string(), "ada@new.test");
  EXPECT_EQ(reload().email, "ada@new.test");
  EXPECT_TRUE(reload().email_verified);
}

TEST_F(EmailRoutesTest, AutoSignInAfterVerificationSetsTheCookie) {
  auth_config_.auto_sign_in_after_verification = true;
  auto res = get("/verify-email?token=" + jwt({.email = "ada@example.test"}));
  EXPECT_EQ(res.count(http::beast_http::field::set_cookie), 1u);
  EXPECT_EQ(testkit::run_async(sessions_.list_for_user(user_.id)).size(), 1u);
}

TEST_F(EmailRoutesTest, TheResetLinkRedirectsWithTheTokenOrTheError) {
  testkit::run_async(verifications_.create(db_, reset_password_identifier("tok123"), user_.id, 3600s));
  auto good = get("/reset-password/tok123?callbackURL=%2Freset");
  EXPECT_EQ(good.result(), http::Status::found);
  EXPECT_EQ(good[http::beast_http::field::location], "http://localhost:3000/reset?token=tok123");
  auto bad = get("/reset-password/nope?callbackURL=%2Freset");
  EXPECT_EQ(bad[http::beast_http::field::location], "http://localhost:3000/reset?error=INVALID_TOKEN");
  EXPECT_EQ(code(get("/reset-password/tok123")), "VALIDATION_ERROR") << "callbackURL is required";
  EXPECT_EQ(get("/reset-password/tok123?callbackURL=https%3A%2F%2Fevil.test").result(), http::Status::forbidden);
}

TEST_F(EmailRoutesTest, ResetPasswordConsumesItsTokenOnce) {
  testkit::run_async(verifications_.create(db_, reset_password_identifier("tok456"), user_.id, 3600s));
  const auto session = testkit::run_async(sessions_.create(user_.id));
  EXPECT_EQ(code(post("/reset-password", R"({"newPassword":"short","token":"tok456"})")), "PASSWORD_TOO_SHORT");
  EXPECT_EQ(code(post("/reset-password", R"({"newPassword":"battery staple"})")), "INVALID_TOKEN");
  auto res = post("/reset-password", R"({"newPassword":"battery staple","token":"tok456"})");
  ASSERT_EQ(res.result(), http::Status::ok) << res.body();
  EXPECT_EQ(res.body(), R"({"status":true})");
  const auto stored = testkit::run_async(users_.password_hash(user_.id));
  EXPECT_TRUE(testkit::run_async(hasher_.verify("battery staple", *stored)));
  EXPECT_FALSE(testkit::run_async(hasher_.verify("correct horse", *stored)));
  EXPECT_EQ(code(post("/reset-password", R"({"newPassword":"another one","token":"tok456"})")), "INVALID_TOKEN")
      << "used";
  EXPECT_TRUE(testkit::run_async(sessions_.present(session.token)).has_value()) << "sessions stay by default";

  auth_config_.revoke_sessions_on_password_reset = true;
  testkit::run_async(verifications_.create(db_, reset_password_identifier("tok789"), user_.id, 3600s));
  EXPECT_EQ(post("/reset-password?token=tok789", R"({"newPassword":"a third one"})").result(), http::Status::ok)
      << "the token may come in the query";
  EXPECT_FALSE(testkit::run_async(sessions_.present(session.token)).has_value());
}

}  // namespace
}  // namespace vibework::auth
