// The email flows end to end (issue 12): `vibework serve` writes the mails to its outbox, its
// sender delivers them to Mailpit over SMTP, and the test reads them through Mailpit's HTTP API
// and follows their links — verification, password reset, the anti-enumeration answers and
// their 500 ms floor, expired and foreign links, and an SMTP outage that delays mail but loses
// none.
#include <regex>
#include <thread>

#include "auth_harness.hpp"

using namespace vibework::e2e;
using namespace vibework::e2e::auth_harness;
using namespace std::chrono_literals;

namespace {

unsigned short mailpit_ui_port() { return static_cast<unsigned short>(std::stoi(env_or("MAILPIT_UI_PORT", "8025"))); }

// Mailpit's API on `port`: the messages to one address (each test mails its own addresses).
struct Mailpit {
  unsigned short port;

  std::vector<boost::json::object> to(const std::string& address) const {
    TestClient c(port);
    const auto list = boost::json::parse(c.request(verb::get, "/api/v1/messages?limit=500").body);
    std::vector<boost::json::object> out;
    for (const auto& m : list.at("messages").as_array()) {
      for (const auto& t : m.at("To").as_array()) {
        if (t.at("Address").as_string() == address) out.push_back(m.as_object());
      }
    }
    return out;
  }
  // Waits (bounded) for `count` messages to `address`; the newest one's plain-text body.
  std::string text_of_latest(const std::string& address, std::size_t count = 1) const {
    std::vector<boost::json::object> found;
    (void)eventually([&] { return (found = to(address)).size() >= count; }, 30s, 100ms);  // checked below
    if (found.size() < count) return {};
    TestClient c(port);
    const auto id = std::string(found.front().at("ID").as_string());
    return std::string(boost::json::parse(c.request(verb::get, "/api/v1/message/" + id).body).at("Text").as_string());
  }
};

// The first link to this server's auth routes in a mail, as a request target ("/api/auth/...").
std::string link_target(const std::string& text) {
  std::smatch m;
  if (!std::regex_search(text, m, std::regex(R"(https?://[^/\s]+(/api/auth/[^\s"<>]+))"))) return {};
  return m[1];
}

std::string location(const HttpResult& r) { return header(r, "Location"); }

class EmailE2E : public AuthE2E {
 protected:
  // A server that mails quickly and retries quickly.
  // (The links name AUTH_URL's host; the test follows their paths on the server it started.)
  static Env mail_env(Env extra = {}) {
    extra.emplace("MAIL_POLL_INTERVAL_MS", "200");
    extra.emplace("MAIL_RETRY_MIN_MS", "200");
    extra.emplace("MAIL_RETRY_MAX_MS", "1000");
    return env(std::move(extra));
  }
  Mailpit mailpit{mailpit_ui_port()};
};

TEST_F(EmailE2E, SignUpMailsTheVerificationLinkThatVerifies) {
  Server server(mail_env({{"AUTH_REQUIRE_EMAIL_VERIFICATION", "true"}}));
  const auto email = unique_email("verify");
  Browser b(server.port);
  auto up = b.sign_up(email);
  ASSERT_EQ(up.status, 200u) << up.body;
  EXPECT_TRUE(json_of(up).at("token").is_null()) << "no session before the email is verified";
  expect_error(b.sign_in(email), 403, "EMAIL_NOT_VERIFIED", "Email not verified", "unverified sign-in");

  const auto started = std::chrono::steady_clock::now();
  const auto text = mailpit.text_of_latest(email);
  ASSERT_FALSE(text.empty()) << "no verification mail reached Mailpit:\n" << server.process->output();
  std::cout << "[   INFO   ] sign-up to mail in Mailpit: "
            << std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count()
            << " ms (polled every 100 ms)" << std::endl;
  const auto target = link_target(text);
  ASSERT_NE(target.find("/api/auth/verify-email?token="), std::string::npos) << text;

  TestClient follow(server.port);
  auto verified = follow.request(verb::get, target);
  EXPECT_EQ(verified.status, 302u) << verified.body;
  EXPECT_EQ(location(verified), "/") << "the callbackURL default";
  auto in = b.sign_in(email);
  ASSERT_EQ(in.status, 200u) << in.body;
  EXPECT_TRUE(json_of(in).at("user").at("emailVerified").as_bool());
}

TEST_F(EmailE2E, APasswordResetThroughTheMailedLink) {
  Server server(mail_env());
  const auto email = unique_email("reset");
  Browser b(server.port);
  ASSERT_EQ(b.sign_up(email).status, 200u);

  auto asked = b.post("/request-password-reset", boost::json::object{{"email", email}, {"redirectTo", "/new-password"}});
  ASSERT_EQ(asked.status, 200u) << asked.body;
  EXPECT_EQ(str(json_of(asked), "message"), "If this email exists in our system, check your email for the reset link");
  const auto target = link_target(mailpit.text_of_latest(email));
  ASSERT_NE(target.find("/api/auth/reset-password/"), std::string::npos) << target;

  TestClient follow(server.port);
  auto link = follow.request(verb::get, target);
  ASSERT_EQ(link.status, 302u) << link.body;
  const auto to = location(link);
  ASSERT_NE(to.find("/new-password?token="), std::string::npos) << to;
  const auto token = to.substr(to.find("token=") + 6);
  EXPECT_EQ(token.size(), 24u);

  auto reset = b.post("/reset-password", boost::json::object{{"newPassword", "a brand new password"}, {"token", token}});
  ASSERT_EQ(reset.status, 200u) << reset.body;
  EXPECT_EQ(Browser(server.port).sign_in(email, "a brand new password").status, 200u);
  expect_error(Browser(server.port).sign_in(email), 401, "INVALID_EMAIL_OR_PASSWORD", "", "the old password");
  expect_error(b.post("/reset-password", boost::json::object{{"newPassword", "yet another password"}, {"token", token}}),
               400, "INVALID_TOKEN", "", "the used token");
  auto again = follow.request(verb::get, target);
  EXPECT_NE(location(again).find("error=INVALID_TOKEN"), std::string::npos) << location(again);
}

TEST_F(EmailE2E, UnknownEmailsGetTheSameAnswerAfterTheSameFloor) {
  Server server(mail_env());
  const auto known = unique_email("known");
  Browser b(server.port);
  ASSERT_EQ(b.sign_up(known).status, 200u);
  for (const auto& path : {std::string("/request-password-reset"), std::string("/send-verification-email")}) {
    std::string answers[2];
    int i = 0;
    for (const auto& email : {known, unique_email("unknown")}) {
      Browser anonymous(server.port);
      const auto started = std::chrono::steady_clock::now();
      auto r = anonymous.post(path, boost::json::object{{"email", email}});
      const auto took = std::chrono::steady_clock::now() - started;
      EXPECT_EQ(r.status, 200u) << path << " " << r.body;
      EXPECT_GE(took, 500ms) << path << ": the floor";
      answers[i++] = r.body;
    }
    EXPECT_EQ(answers[0], answers[1]) << path << ": known and unknown emails answer alike";
  }
}

TEST_F(EmailE2E, ExpiredAndForeignLinksAreRefused) {
  Server server(mail_env({{"AUTH_EMAIL_VERIFICATION_EXPIRES_IN", "1"}}));
  const auto email = unique_email("expired");
  Browser b(server.port);
  ASSERT_EQ(b.sign_up(email).status, 200u);
  ASSERT_EQ(b.post("/send-verification-email", boost::json::object{{"email", email}}).status, 200u);
  const auto target = link_target(mailpit.text_of_latest(email));
  ASSERT_FALSE(target.empty());
  // The token lives 1 s (JWT exp has whole seconds): what is awaited here is the clock itself.
  std::this_thread::sleep_for(2100ms);
  TestClient follow(server.port);
  auto late = follow.request(verb::get, target);
  EXPECT_EQ(late.status, 302u);
  EXPECT_NE(location(late).find("error=TOKEN_EXPIRED"), std::string::npos) << location(late);
  auto tampered = follow.request(verb::get, "/api/auth/verify-email?token=a.b.c");
  EXPECT_EQ(tampered.status, 401u);
  EXPECT_EQ(str(json_of(tampered), "code"), "INVALID_TOKEN");
  expect_error(b.post("/request-password-reset",
                      boost::json::object{{"email", email}, {"redirectTo", "https://evil.example/steal"}}),
               403, "INVALID_REDIRECT_URL", "", "a foreign redirectTo");
  expect_error(b.post("/send-verification-email",
                      boost::json::object{{"email", email}, {"callbackURL", "https://evil.example/"}}),
               403, "INVALID_CALLBACK_URL", "", "a foreign callbackURL");
}

// Follows the mailed link with `b`'s cookies; the answer.
HttpResult follow_link(Browser& b, const std::string& mail_text) {
  const auto target = link_target(mail_text);
  EXPECT_FALSE(target.empty()) << mail_text;
  Headers cookies;
  if (!b.jar.cookies.empty()) cookies.emplace_back("Cookie", b.jar.header());
  auto r = b.client.send(verb::get, target, cookies);
  b.jar.absorb(r);
  return r;
}

TEST_F(EmailE2E, ChangeEmailByTheNewAddressesLink) {
  Server server(mail_env({{"AUTH_CHANGE_EMAIL_ENABLED", "true"}}));
  const auto old_email = unique_email("change-old"), new_email = unique_email("change-new");
  Browser b(server.port);
  ASSERT_EQ(b.sign_up(old_email).status, 200u);
  auto asked = b.post("/change-email", boost::json::object{{"newEmail", new_email}, {"callbackURL", "/settings"}});
  ASSERT_EQ(asked.status, 200u) << asked.body;
  EXPECT_EQ(asked.body, R"({"status":true})");
  auto followed = follow_link(b, mailpit.text_of_latest(new_email));
  EXPECT_EQ(followed.status, 302u) << followed.body;
  EXPECT_EQ(location(followed), "/settings");
  EXPECT_EQ(Browser(server.port).sign_in(new_email).status, 200u) << "the account moved";
  expect_error(Browser(server.port).sign_in(old_email), 401, "INVALID_EMAIL_OR_PASSWORD", "", "the old address");
  // A taken address: the same answer, and no mail to it.
  const auto other = unique_email("change-taken");
  ASSERT_EQ(Browser(server.port).sign_up(other).status, 200u);
  Browser mover(server.port);
  ASSERT_EQ(mover.sign_in(new_email).status, 200u);
  EXPECT_EQ(mover.post("/change-email", boost::json::object{{"newEmail", other}}).body, R"({"status":true})");
  expect_error(mover.post("/change-email", boost::json::object{{"newEmail", new_email}}), 400, "EMAIL_IS_THE_SAME",
               "Email is the same", "the same address");
}

TEST_F(EmailE2E, ChangeEmailAtOnceForAnUnverifiedUserWhenConfigured) {
  Server server(mail_env({{"AUTH_CHANGE_EMAIL_ENABLED", "true"}, {"AUTH_UPDATE_EMAIL_WITHOUT_VERIFICATION", "true"}}));
  const auto old_email = unique_email("now-old"), new_email = unique_email("now-new");
  Browser b(server.port);
  ASSERT_EQ(b.sign_up(old_email).status, 200u);
  ASSERT_EQ(b.post("/change-email", boost::json::object{{"newEmail", new_email}}).status, 200u);
  EXPECT_EQ(str(json_of(b.get("/get-session")).at("user"), "email"), new_email) << "changed at once";
  EXPECT_NE(link_target(mailpit.text_of_latest(new_email)).find("/verify-email?token="), std::string::npos)
      << "and the new address is asked to verify";
}

TEST_F(EmailE2E, ChangeEmailConfirmedFromTheOldAddressFirst) {
  Server server(mail_env({{"AUTH_CHANGE_EMAIL_ENABLED", "true"}, {"AUTH_SEND_CHANGE_EMAIL_CONFIRMATION", "true"},
                          {"AUTH_SEND_VERIFICATION_ON_SIGN_UP", "true"}}));
  const auto old_email = unique_email("confirm-old"), new_email = unique_email("confirm-new");
  Browser b(server.port);
  ASSERT_EQ(b.sign_up(old_email).status, 200u);
  ASSERT_EQ(follow_link(b, mailpit.text_of_latest(old_email)).status, 302u) << "verified first";
  ASSERT_EQ(b.post("/change-email", boost::json::object{{"newEmail", new_email}}).status, 200u);
  // The confirmation goes to the old address (its second mail), then the new one verifies.
  ASSERT_EQ(follow_link(b, mailpit.text_of_latest(old_email, 2)).status, 302u);
  ASSERT_EQ(follow_link(b, mailpit.text_of_latest(new_email)).status, 302u);
  EXPECT_EQ(Browser(server.port).sign_in(new_email).status, 200u);
}

TEST_F(EmailE2E, DeleteUserByTheMailedConfirmation) {
  Server server(mail_env({{"AUTH_DELETE_USER_ENABLED", "true"}, {"AUTH_DELETE_USER_VERIFICATION", "true"}}));
  const auto email = unique_email("delete");
  Browser b(server.port);
  ASSERT_EQ(b.sign_up(email).status, 200u);
  auto asked = b.post("/delete-user", boost::json::object{{"callbackURL", "/bye"}});
  ASSERT_EQ(asked.status, 200u) << asked.body;
  EXPECT_EQ(asked.body, R"({"success":true,"message":"Verification email sent"})");
  const auto text = mailpit.text_of_latest(email);
  Browser stranger(server.port);
  auto without_session = follow_link(stranger, text);
  EXPECT_EQ(without_session.status, 404u) << "the link needs the owner's session";
  auto deleted = follow_link(b, text);
  EXPECT_EQ(deleted.status, 302u) << deleted.body;
  EXPECT_EQ(location(deleted), "/bye");
  expect_error(Browser(server.port).sign_in(email), 401, "INVALID_EMAIL_OR_PASSWORD", "", "the deleted user");
}

// Mailpit down: each request answers at once; when it is back every mail arrives, once.
TEST_F(EmailE2E, AnSmtpOutageDelaysMailAndLosesNone) {
  const auto smtp_port = free_port();
  const auto ui_port = free_port();
  const TempDir temp("vibework-e2e-mailpit");
  const std::string& dir = temp.path;

  Server server(mail_env({{"SMTP_URL", "smtp://127.0.0.1:" + std::to_string(smtp_port)}}));
  const auto email = unique_email("outage");
  Browser b(server.port);
  ASSERT_EQ(b.sign_up(email).status, 200u);
  for (int i = 0; i < 3; ++i) {
    const auto started = std::chrono::steady_clock::now();
    auto r = b.post("/request-password-reset", boost::json::object{{"email", email}});
    ASSERT_EQ(r.status, 200u) << r.body;
    EXPECT_LT(std::chrono::steady_clock::now() - started, 2s) << "the request does not wait for SMTP";
  }

  const std::string home = env_or("HOME", "/root");
  ChildProcess mailpit(home + "/go/bin/mailpit",
                       {"--smtp", "127.0.0.1:" + std::to_string(smtp_port), "--listen", "127.0.0.1:" + std::to_string(ui_port),
                        "--database", dir + "/mailpit.db"},
                       {});
  ASSERT_TRUE(wait_until_listening(ui_port, 20s)) << mailpit.output();
  const Mailpit own{ui_port};
  EXPECT_TRUE(eventually([&] { return own.to(email).size() >= 3; }, 30s, 100ms))
      << "the mails did not all arrive:\n" << server.process->output();
  // Once each: nothing more comes after the three (a few retry periods later).
  const auto settle = std::chrono::steady_clock::now() + 2s;
  while (std::chrono::steady_clock::now() < settle) {  // watching for duplicates, not waiting for one event
    ASSERT_LE(own.to(email).size(), 3u);
    std::this_thread::sleep_for(100ms);
  }
  EXPECT_EQ(own.to(email).size(), 3u);
}

}  // namespace
