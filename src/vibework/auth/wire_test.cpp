// User and session JSON, and error answers, in Better-Auth's shapes (facts file §1.3, §2.1).
#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>

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
