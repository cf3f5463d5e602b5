// sign-up, sign-in, update-user, change-password and delete-user through the router, on the
// real MariaDB, with Better-Auth's answers (facts file §2.2, §2.3, §2.10, §2.11, §2.14).
#include <string>

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "vibework/auth/account_routes.hpp"
#include "vibework/auth/session_routes.hpp"
#include "vibework/auth/signed_cookie.hpp"
#include "vibework/auth/test_support.hpp"
#include "vibework/testkit/async.hpp"

namespace vibework::auth {
namespace {

using namespace std::chrono_literals;
using Headers = std::vector<std::pair<std::string, std::string>>;

// node -e 'crypto.scryptSync("password123".normalize("NFKC"), salt, 64, {N:16384,r:16,p:1})'
const std::string node_scrypt_hash =
    "0123456789abcdef0123456789abcdef:e8b256b6f9f4b1641136a66d4a26ba41a47b6c8c9bad6aa4145559ffda45ece1"
    "f0f16dec8482a3e5545feada0ba62f2b05eeb943b750c9396874e1762c78d27d";
const std::string origin = "http://localhost:3000";

class AccountRoutesTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    config_ = new mysql::Config(test_support::migrated_database("vibework_test_auth_accounts"));
  }
  static void TearDownTestSuite() { delete config_; }

  void SetUp() override {
    AuthRouter routes(router_, "/api/auth", {.cookies = &cookies_, .cors = &origins_});
    register_session_routes(routes, {sessions_, cookies_, origins_});
    register_account_routes(routes, {users_, sessions_, hasher_, cookies_, origins_, auth_config_});
    routes.not_found_elsewhere();
    testkit::run_async([this]() -> awaitable<void> {
      co_await db_.start();
      co_await db_.execute("DELETE FROM `user`");
    }());
  }
  void TearDown() override {
    testkit::run_async([this]() -> awaitable<void> { co_await db_.stop(); }());
  }

  http::Response post(const std::string& path, const std::string& body, Headers headers = {}) {
    return test_support::call_route(router_, {.method = http::Verb::post, .target = "/api/auth" + path,
                                              .body = body, .headers = std::move(headers)});
  }
  http::Response get(const std::string& path, Headers headers = {}) {
    return test_support::call_route(router_, {.target = "/api/auth" + path, .headers = std::move(headers)});
  }
  // The cookies a browser would send back after `res`.
  static std::string cookies_of(const http::Response& res) {
    std::string jar;
    const auto [first, last] = res.equal_range(http::beast_http::field::set_cookie);
    for (auto field = first; field != last; ++field) {
      const std::string_view value = field->value();
      jar += (jar.empty() ? "" : "; ") + std::string(value.substr(0, value.find(';')));
    }
    return jar;
  }
  static boost::json::value json(const http::Response& res) { return boost::json::parse(res.body()); }
  static std::string code(const http::Response& res) {
    return std::string(json(res).as_object().at("code").as_string());
  }
  // Signs Ada up; the cookies that carry her session.
  std::string sign_up_ada(const std::string& password = "correct horse") {
    auto res = post("/sign-up/email", R"({"name":"Ada","email":"Ada@Example.test","password":")" + password + "\"}");
    EXPECT_EQ(res.result(), http::Status::ok) << res.body();
    return cookies_of(res);
  }
  Headers signed_in(const std::string& jar) { return {{"Cookie", jar}, {"Origin", origin}}; }

  static mysql::Config* config_;
  mysql::Database db_{*config_};
  TimePoint now_{std::chrono::milliseconds(1'800'000'000'000)};
  SessionStore sessions_{db_, SessionPolicy{}, [this] { return now_; }};
  UserStore users_{db_, [this] { return now_; }};
  Config auth_config_ = [] {
    Config c;
    c.secrets = {std::string(32, 's')};
    c.argon2 = {.memory_kib = 64, .iterations = 1, .parallelism = 1};  // cheap: formats, not strength
    c.delete_user = true;
    return c;
  }();
  PasswordHasher hasher_{{.threads = 1, .queue_limit = 8, .argon2 = auth_config_.argon2}};
  SessionCookies cookies_{auth_config_, false};
  TrustedOrigins origins_{origin, {}};
  http::Router router_;
};
mysql::Config* AccountRoutesTest::config_ = nullptr;

TEST_F(AccountRoutesTest, SignUpCreatesTheUserAndASignedInSession) {
  auto res = post("/sign-up/email", R"({"name":"Ada","email":"Ada@Example.test","password":"correct horse","x":1})",
                  {{"User-Agent", "test-agent"}});
  ASSERT_EQ(res.result(), http::Status::ok) << res.body();
  const auto body = json(res).as_object();
  const std::string token(body.at("token").as_string());
  EXPECT_EQ(token.size(), 32u);
  EXPECT_EQ(body.at("user").at("email").as_string(), "ada@example.test");
  EXPECT_EQ(body.at("user").at("emailVerified").as_bool(), false);
  EXPECT_FALSE(body.at("user").as_object().contains("password"));
  EXPECT_EQ(res.count(http::beast_http::field::set_cookie), 1u);

  const auto found = testkit::run_async(sessions_.present(token));
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->session.ip_address, "203.0.113.9");
  EXPECT_EQ(found->session.user_agent, "test-agent");
  EXPECT_EQ(found->session.expires_at, now_ + 7 * 24h);
  const auto session = json(get("/get-session", {{"Cookie", cookies_of(res)}}));
  EXPECT_EQ(session.at("session").at("token").as_string(), token);
}

TEST_F(AccountRoutesTest, SignUpRefusesWhatBetterAuthRefuses) {
  sign_up_ada();
  auto taken = post("/sign-up/email", R"({"name":"A","email":"ADA@example.test","password":"another one"})");
  EXPECT_EQ(taken.result(), http::Status::unprocessable_entity);
  EXPECT_EQ(code(taken), "USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL");

  auto short_one = post("/sign-up/email", R"({"name":"B","email":"b@example.test","password":"1234567"})");
  EXPECT_EQ(code(short_one), "PASSWORD_TOO_SHORT");
  auto long_one = post("/sign-up/email", R"({"name":"B","email":"b@example.test","password":")" + std::string(129, 'x') + "\"}");
  EXPECT_EQ(code(long_one), "PASSWORD_TOO_LONG");
  // Eight characters, in UTF-16 units as JavaScript counts them: four emoji are 8 units.
  auto emoji = post("/sign-up/email", "{\"name\":\"C\",\"email\":\"c@example.test\",\"password\":\"\xF0\x9F\x98\x80\xF0\x9F\x98\x80\xF0\x9F\x98\x80\xF0\x9F\x98\x80\"}");
  EXPECT_EQ(emoji.result(), http::Status::ok) << emoji.body();

  auto bad = post("/sign-up/email", R"({"email":"not-an-email","password":"long enough"})");
  EXPECT_EQ(bad.result(), http::Status::bad_request);
  EXPECT_EQ(json(bad).at("message").as_string(),
            "[body.name] Invalid input: expected string, received undefined; [body.email] Invalid email address");

  auto text = test_support::call_route(router_, {.method = http::Verb::post, .target = "/api/auth/sign-up/email",
                                                 .body = "x", .headers = {{"Content-Type", "text/plain"}}});
  EXPECT_EQ(text.result(), http::Status::unsupported_media_type);

  auto navigation = post("/sign-up/email", R"({"name":"D","email":"d@example.test","password":"long enough"})",
                         {{"Sec-Fetch-Site", "cross-site"}, {"Sec-Fetch-Mode", "navigate"}});
  EXPECT_EQ(code(navigation), "CROSS_SITE_NAVIGATION_LOGIN_BLOCKED");
  auto callback = post("/sign-up/email",
                       R"({"name":"D","email":"d@example.test","password":"long enough","callbackURL":"https://evil.test/"})");
  EXPECT_EQ(callback.result(), http::Status::forbidden);
  EXPECT_EQ(code(callback), "INVALID_CALLBACK_URL");
}

TEST_F(AccountRoutesTest, SignUpAcceptsAFormAndRememberMeFalse) {
  auto res = test_support::call_route(
      router_, {.method = http::Verb::post, .target = "/api/auth/sign-up/email",
                .body = "name=Grace+H&email=grace%40example.test&password=long+enough&rememberMe=false",
                .headers = {{"Content-Type", "application/x-www-form-urlencoded"}}});
  ASSERT_EQ(res.result(), http::Status::ok) << res.body();
  EXPECT_EQ(json(res).at("user").at("name").as_string(), "Grace H");
  EXPECT_EQ(res.count(http::beast_http::field::set_cookie), 2u) << "session_token without Max-Age, dont_remember";
  now_ += 2h;  // past updateAge's share of a 1-day session, yet dont_remember means no slide
  auto session = get("/get-session", {{"Cookie", cookies_of(res)}});
  EXPECT_EQ(json(session).at("session").at("expiresAt").as_string(), "2027-01-16T08:00:00.000Z");
  EXPECT_EQ(session.count(http::beast_http::field::set_cookie), 0u);
}

TEST_F(AccountRoutesTest, SignInAnswersTokenUserAndTheCallback) {
  sign_up_ada();
  auto res = post("/sign-in/email", R"({"email":"ADA@example.test","password":"correct horse","callbackURL":"/home"})");
  ASSERT_EQ(res.result(), http::Status::ok) << res.body();
  const auto body = json(res).as_object();
  EXPECT_EQ(body.at("redirect").as_bool(), true);
  EXPECT_EQ(body.at("url").as_string(), "/home");
  EXPECT_EQ(body.at("token").as_string().size(), 32u);
  EXPECT_EQ(res[http::beast_http::field::location], "/home");

  auto plain = post("/sign-in/email", R"({"email":"ada@example.test","password":"correct horse"})");
  EXPECT_EQ(json(plain).at("redirect").as_bool(), false);
  EXPECT_FALSE(json(plain).as_object().contains("url"));
}

TEST_F(AccountRoutesTest, SignInFailuresLookTheSame) {
  sign_up_ada();
  auto wrong = post("/sign-in/email", R"({"email":"ada@example.test","password":"wrong horse"})");
  auto unknown = post("/sign-in/email", R"({"email":"nobody@example.test","password":"wrong horse"})");
  EXPECT_EQ(wrong.result(), http::Status::unauthorized);
  EXPECT_EQ(wrong.body(), unknown.body());
  EXPECT_EQ(code(wrong), "INVALID_EMAIL_OR_PASSWORD");
  auto invalid = post("/sign-in/email", R"({"email":"nope","password":"whatever1"})");
  EXPECT_EQ(code(invalid), "INVALID_EMAIL");
  auto missing = post("/sign-in/email", R"({"email":"ada@example.test"})");
  EXPECT_EQ(json(missing).at("message").as_string(), "[body.password] Invalid input: expected string, received undefined");
}

TEST_F(AccountRoutesTest, SignInRewritesANodeScryptHashAsArgon2id) {
  NewUser grace{.name = "Grace", .email = "grace@example.test"};
  const auto user = testkit::run_async(users_.create(std::move(grace), node_scrypt_hash));
  auto res = post("/sign-in/email", R"({"email":"grace@example.test","password":"password123"})");
  ASSERT_EQ(res.result(), http::Status::ok) << res.body();
  const auto stored = testkit::run_async(users_.password_hash(user.id));
  ASSERT_TRUE(stored.has_value());
  EXPECT_TRUE(stored->starts_with("$argon2id$")) << *stored;
  auto again = post("/sign-in/email", R"({"email":"grace@example.test","password":"password123"})");
  EXPECT_EQ(again.result(), http::Status::ok) << "the new hash verifies";
}

TEST_F(AccountRoutesTest, UpdateUserChangesNameAndImageOnly) {
  const auto jar = sign_up_ada();
  auto res = post("/update-user", R"({"name":"Ada L","image":"https://img.test/a.png","emailVerified":true})", signed_in(jar));
  ASSERT_EQ(res.result(), http::Status::ok) << res.body();
  EXPECT_EQ(res.body(), R"({"status":true})");
  EXPECT_EQ(res.count(http::beast_http::field::set_cookie), 1u) << "the session cookie is set again";
  auto user = json(get("/get-session", {{"Cookie", jar}})).at("user");
  EXPECT_EQ(user.at("name").as_string(), "Ada L");
  EXPECT_EQ(user.at("image").as_string(), "https://img.test/a.png");
  EXPECT_EQ(user.at("emailVerified").as_bool(), false) << "core fields are ignored";

  (void)post("/update-user", R"({"image":null})", signed_in(jar));
  EXPECT_TRUE(json(get("/get-session", {{"Cookie", jar}})).at("user").at("image").is_null());

  EXPECT_EQ(code(post("/update-user", R"({"email":"x@example.test"})", signed_in(jar))), "EMAIL_CAN_NOT_BE_UPDATED");
  auto nothing = post("/update-user", "{}", signed_in(jar));
  EXPECT_EQ(nothing.result(), http::Status::bad_request);
  EXPECT_EQ(json(nothing).at("message").as_string(), "No fields to update");
  EXPECT_EQ(post("/update-user", R"({"name":"X"})").result(), http::Status::unauthorized);
  EXPECT_EQ(code(post("/update-user", R"({"name":"X"})", {{"Cookie", jar}, {"Origin", "https://evil.test"}})),
            "INVALID_ORIGIN");
}

TEST_F(AccountRoutesTest, ChangePasswordChecksTheCurrentOneAndCanRevokeTheOthers) {
  EXPECT_EQ(code(post("/change-password", "{}")), "VALIDATION_ERROR") << "the body is checked before the session";
  const auto jar = sign_up_ada();
  const auto other = cookies_of(post("/sign-in/email", R"({"email":"ada@example.test","password":"correct horse"})"));

  auto wrong = post("/change-password", R"({"currentPassword":"wrong horse","newPassword":"battery staple"})", signed_in(jar));
  EXPECT_EQ(code(wrong), "INVALID_PASSWORD");
  EXPECT_EQ(code(post("/change-password", R"({"currentPassword":"correct horse","newPassword":"short"})", signed_in(jar))),
            "PASSWORD_TOO_SHORT");

  auto kept = post("/change-password", R"({"currentPassword":"correct horse","newPassword":"battery staple"})", signed_in(jar));
  ASSERT_EQ(kept.result(), http::Status::ok) << kept.body();
  EXPECT_TRUE(json(kept).at("token").is_null());
  EXPECT_EQ(json(kept).at("user").at("email").as_string(), "ada@example.test");
  EXPECT_FALSE(json(get("/get-session", {{"Cookie", other}})).is_null()) << "the other session stays";

  auto revoked = post("/change-password",
                      R"({"currentPassword":"battery staple","newPassword":"third password","revokeOtherSessions":true})",
                      signed_in(jar));
  ASSERT_EQ(revoked.result(), http::Status::ok) << revoked.body();
  EXPECT_EQ(json(revoked).at("token").as_string().size(), 32u);
  EXPECT_TRUE(json(get("/get-session", {{"Cookie", other}})).is_null());
  EXPECT_TRUE(json(get("/get-session", {{"Cookie", jar}})).is_null()) << "every session is replaced";
  EXPECT_FALSE(json(get("/get-session", {{"Cookie", cookies_of(revoked)}})).is_null());
  EXPECT_EQ(post("/sign-in/email", R"({"email":"ada@example.test","password":"third password"})").result(),
            http::Status::ok);
}

TEST_F(AccountRoutesTest, DeleteUserNeedsThePasswordOrAFreshSession) {
  const auto jar = sign_up_ada();
  EXPECT_EQ(code(post("/delete-user", R"({"password":"wrong horse"})", signed_in(jar))), "INVALID_PASSWORD");
  now_ += 25h;
  EXPECT_EQ(code(post("/delete-user", "{}", signed_in(jar))), "SESSION_EXPIRED");
  auto deleted = post("/delete-user", R"({"password":"correct horse"})", signed_in(jar));
  ASSERT_EQ(deleted.result(), http::Status::ok) << deleted.body();
  EXPECT_EQ(deleted.body(), R"({"success":true,"message":"User deleted"})");
  EXPECT_EQ(deleted.count(http::beast_http::field::set_cookie), 3u);
  EXPECT_EQ(code(post("/sign-in/email", R"({"email":"ada@example.test","password":"correct horse"})")),
            "INVALID_EMAIL_OR_PASSWORD");

  auth_config_.delete_user = false;
  auto disabled = post("/delete-user", "{}", signed_in(sign_up_ada()));
  EXPECT_EQ(disabled.result(), http::Status::not_found);
  EXPECT_EQ(disabled.body(), "");
}

TEST_F(AccountRoutesTest, UnknownRoutesAndOddPathsAre404WithAnEmptyBody) {
  for (const auto& res : {get("/nope"), post("/nope", "{}"), get("/ok/"), get("//ok")}) {
    EXPECT_EQ(res.result(), http::Status::not_found);
    EXPECT_EQ(res.body(), "");
  }
  EXPECT_EQ(get("/ok").result(), http::Status::ok);
  auto post_session = post("/get-session", "{}");
  EXPECT_EQ(post_session.result(), http::Status::method_not_allowed);
  EXPECT_EQ(json(post_session).at("code").as_string(), "METHOD_NOT_ALLOWED_DEFER_SESSION_REQUIRED");
}

TEST_F(AccountRoutesTest, BearerClientsGetTheTokenAndUseIt) {
  auto res = post("/sign-in/email", "{}");  // (a 400: no cookie, no token)
  EXPECT_TRUE(res["set-auth-token"].empty());
  sign_up_ada();
  auto signed_in_res = post("/sign-in/email", R"({"email":"ada@example.test","password":"correct horse"})");
  const std::string bearer(signed_in_res["set-auth-token"]);
  ASSERT_FALSE(bearer.empty());
  EXPECT_EQ(signed_in_res[http::beast_http::field::access_control_expose_headers], "set-auth-token");
  auto session = json(get("/get-session", {{"Authorization", "Bearer " + bearer}}));
  EXPECT_EQ(session.at("user").at("email").as_string(), "ada@example.test");
  // No cookie, so no Origin needed: bearer clients are not browsers' ambient credentials.
  EXPECT_EQ(post("/update-user", R"({"name":"Bearer Ada"})", {{"Authorization", "Bearer " + bearer}}).result(),
            http::Status::ok);
}

TEST_F(AccountRoutesTest, CorsForTrustedOriginsOnly) {
  auto preflight = test_support::call_route(
      router_, {.method = http::Verb::options, .target = "/api/auth/sign-in/email",
                .headers = {{"Origin", origin}, {"Access-Control-Request-Method", "POST"},
                            {"Access-Control-Request-Headers", "content-type"}}});
  EXPECT_EQ(preflight.result(), http::Status::no_content);
  EXPECT_EQ(preflight[http::beast_http::field::access_control_allow_origin], origin);
  EXPECT_EQ(preflight[http::beast_http::field::access_control_allow_credentials], "true");
  EXPECT_EQ(preflight[http::beast_http::field::access_control_allow_headers], "content-type");
  auto foreign = test_support::call_route(
      router_, {.method = http::Verb::options, .target = "/api/auth/sign-in/email", .headers = {{"Origin", "https://evil.test"}}});
  EXPECT_TRUE(foreign[http::beast_http::field::access_control_allow_origin].empty());
  EXPECT_TRUE(foreign[http::beast_http::field::access_control_allow_methods].empty());
  auto ok = get("/ok", {{"Origin", origin}});
  EXPECT_EQ(ok[http::beast_http::field::access_control_allow_origin], origin);
  EXPECT_TRUE(get("/ok", {{"Origin", "https://evil.test"}})[http::beast_http::field::access_control_allow_origin].empty());
}

TEST_F(AccountRoutesTest, TheCookieCacheAnswersGetSessionUntilItIsBypassed) {
  const CookieCache cookie_cache({.enabled = true, .max_age = 300s}, cookies_.names(), auth_config_.secrets);
  http::Router cached;
  AuthRouter routes(cached, "/api/auth");
  register_session_routes(routes, {sessions_, cookies_, origins_, false, &cookie_cache});
  register_account_routes(routes, {users_, sessions_, hasher_, cookies_, origins_, auth_config_, &cookie_cache});
  auto signed_up = test_support::call_route(
      cached, {.method = http::Verb::post, .target = "/api/auth/sign-up/email",
               .body = R"({"name":"Ada","email":"ada@example.test","password":"correct horse"})"});
  ASSERT_EQ(signed_up.count(http::beast_http::field::set_cookie), 2u) << "session_token and session_data";
  const auto jar = cookies_of(signed_up);
  const std::string token(json(signed_up).at("token").as_string());
  testkit::run_async(sessions_.revoke(token));  // behind the cache's back

  auto from_cache = test_support::call_route(cached, {.target = "/api/auth/get-session", .headers = {{"Cookie", jar}}});
  EXPECT_EQ(json(from_cache).at("session").at("token").as_string(), token) << "Better-Auth's trade-off: the cache answers";
  auto bypassed = test_support::call_route(
      cached, {.target = "/api/auth/get-session?disableCookieCache=true", .headers = {{"Cookie", jar}}});
  EXPECT_TRUE(json(bypassed).is_null());
}

TEST_F(AccountRoutesTest, ErrorPageEscapesTheDescription) {
  auto res = get("/error?error=bad%20code&error_description=%3Cscript%3E+x");
  EXPECT_EQ(res.result(), http::Status::ok);
  EXPECT_EQ(res[http::beast_http::field::content_type], "text/html");
  EXPECT_NE(res.body().find("UNKNOWN"), std::string::npos);
  EXPECT_NE(res.body().find("&lt;script&gt; x"), std::string::npos);
  EXPECT_EQ(res.body().find("<script>"), std::string::npos);
}

}  // namespace
}  // namespace vibework::auth
