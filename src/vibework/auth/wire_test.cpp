// User and session JSON, and error answers, in Better-Auth's shapes (facts file §1.3, §2.1).
#include <gtest/gtest.h>

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "vibework/auth/session_store.hpp"
#include "vibework/auth/wire.hpp"

namespace vibework::auth {
namespace {

const mysql::TimePoint t{std::chrono::milliseconds(1'787'056'496'789)};  // 2026-08-18T12:34:56.789Z

TEST(Wire, UserJsonInTheAdaptersKeyOrder) {
  schema::User u;
  u.id = "u1";
  u.name = "Ada";
  u.email = "ada@example.com";
  u.email_verified = true;
  u.created_at = t;
  u.updated_at = t;
  EXPECT_EQ(boost::json::serialize(user_json(u)),
            R"({"name":"Ada","email":"ada@example.com","emailVerified":true,"image":null,)"
            R"("createdAt":"2026-08-18T12:34:56.789Z","updatedAt":"2026-08-18T12:34:56.789Z","id":"u1"})");
}

TEST(Wire, UserJsonTextIsTheSerializedUserJson) {
  schema::User u;
  u.id = "u\"2";
  u.name = "Ad\\a \"the\" \xE2\x9C\x93\n\t\x01";
  u.email = "ada@example.com";
  u.created_at = t;
  u.updated_at = t + std::chrono::milliseconds(1);
  EXPECT_EQ(user_json_text(u), boost::json::serialize(user_json(u)));
  u.email_verified = true;
  u.image = "https://example.com/a.png?x=1&y=\"2\"";
  EXPECT_EQ(user_json_text(u), boost::json::serialize(user_json(u)));
  u.image = "";
  EXPECT_EQ(user_json_text(u), boost::json::serialize(user_json(u)));
}

TEST(Wire, SessionBodiesParseTheSameEachTimeAndChangesAreSeen) {
  schema::Session s;
  s.id = "s1";
  s.token = "Ab3dEf6hIj9kLmN0pQrStUvWxYz12345";
  s.user_id = "u1";
  s.expires_at = s.created_at = s.updated_at = t;
  schema::User u;
  u.id = "u1";
  u.name = "Ada";
  u.email = "ada@example.com";
  u.created_at = u.updated_at = t;
  const auto body = [&] {
    return boost::json::serialize(boost::json::object{{"session", session_json(s)}, {"user", user_json(u)}});
  };
  const auto first = body();
  for (int i = 0; i < 2; ++i) {  // the second answer is the remembered parse
    const auto found = parse_session_body(first);
    ASSERT_TRUE(found.has_value());
    EXPECT_EQ(found->session.token, s.token);
    EXPECT_EQ(found->user.name, "Ada");
    EXPECT_EQ(found->session.expires_at, t);
  }
  u.name = "Ada L.";  // the cached body changed: the new bytes are parsed
  const auto changed = parse_session_body(body());
  ASSERT_TRUE(changed.has_value());
  EXPECT_EQ(changed->user.name, "Ada L.");
  EXPECT_EQ(parse_session_body(first)->user.name, "Ada") << "each body has its own answer";
  EXPECT_FALSE(parse_session_body("{\"session\":1}").has_value());
  EXPECT_FALSE(parse_session_body("not json").has_value());
}

TEST(Wire, SessionJsonCarriesTheRawToken) {
  schema::Session s;
  s.id = "s1";
  s.token = "Ab3dEf6hIj9kLmN0pQrStUvWxYz12345";
  s.expires_at = t;
  s.created_at = t;
  s.updated_at = t;
  s.ip_address = "";
  s.user_id = "u1";
  EXPECT_EQ(boost::json::serialize(session_json(s)),
            R"({"id":"s1","expiresAt":"2026-08-18T12:34:56.789Z","token":"Ab3dEf6hIj9kLmN0pQrStUvWxYz12345",)"
            R"("createdAt":"2026-08-18T12:34:56.789Z","updatedAt":"2026-08-18T12:34:56.789Z","ipAddress":"",)"
            R"("userAgent":null,"userId":"u1"})");
}

TEST(Wire, ErrorsCarryBetterAuthsCodeAndMessage) {
  EXPECT_EQ(default_message("INVALID_EMAIL_OR_PASSWORD"), "Invalid email or password");
  EXPECT_EQ(default_message("USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL"), "User already exists. Use another email.");
  EXPECT_EQ(default_message("MISSING_OR_NULL_ORIGIN"), "Missing or null Origin");
  EXPECT_EQ(default_message("SOMETHING_ELSE"), "SOMETHING_ELSE");
  const auto e = auth_error(http::Status::unauthorized, "UNAUTHORIZED");
  EXPECT_EQ(e.status(), http::Status::unauthorized);
  EXPECT_EQ(e.code(), "UNAUTHORIZED");
  EXPECT_STREQ(e.what(), "Unauthorized");
}

}  // namespace
}  // namespace vibework::auth
