// The session_data cookie cache ("compact"): the value Node's Better-Auth writes, byte for byte,
// and every reason to refuse one.
#include "vibework/auth/cookie_cache.hpp"

#include <gtest/gtest.h>

namespace vibework::auth {
namespace {

using namespace std::chrono_literals;

const std::string secret(32, 's');
const TimePoint t0{std::chrono::milliseconds(1'800'000'000'000)};

// Made by Node with Better-Auth 1.7.1's algorithm (cookies/index.mjs setCookieCache): the payload
// below, updatedAt = t0, expiresAt = t0 + 300 s, HMAC-SHA256 base64url with secret "s" x 32:
//   crypto.createHmac("sha256", secret).update(JSON.stringify({...sessionData, expiresAt})).digest("base64url")
//   Buffer.from(JSON.stringify({session: sessionData, expiresAt, signature})).toString("base64url")
const std::string node_value =
    "eyJzZXNzaW9uIjp7InNlc3Npb24iOnsiaWQiOiJTU1NTU1NTU1NTU1NTU1NTU1NTU1NTU1NTU1NTU1NTUyIsImV4cGlyZXNBdCI6IjIwMjctMDEtMjJUMDg6MDA6MDAuMDAwWiIsInRva2VuIjoiVFRUVFRUVFRUVFRUVFRUVFRUVFRUVFRUVFRUVFRUVFQiLCJjcmVhdGVkQXQiOiIyMDI3LTAxLTE1VDA4OjAwOjAwLjAwMFoiLCJ1cGRhdGVkQXQiOiIyMDI3LTAxLTE1VDA4OjAwOjAwLjAwMFoiLCJpcEFkZHJlc3MiOiIyMDMuMC4xMTMuOSIsInVzZXJBZ2VudCI6InVhIiwidXNlcklkIjoiVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVUifSwidXNlciI6eyJuYW1lIjoiQWRhIMOpXCI8IiwiZW1haWwiOiJhZGFAZXhhbXBsZS50ZXN0IiwiZW1haWxWZXJpZmllZCI6ZmFsc2UsImltYWdlIjpudWxsLCJjcmVhdGVkQXQiOiIyMDI3LTAxLTE1VDA4OjAwOjAwLjAwMFoiLCJ1cGRhdGVkQXQiOiIyMDI3LTAxLTE1VDA4OjAwOjAwLjAwMFoiLCJpZCI6IlVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVIn0sInVwZGF0ZWRBdCI6MTgwMDAwMDAwMDAwMCwidmVyc2lvbiI6IjEifSwiZXhwaXJlc0F0IjoxODAwMDAwMzAwMDAwLCJzaWduYXR1cmUiOiJhQzFLTlhTOW00QUduSHdDUUtlZWphMDRCdktRbFdXSjZTS3RPSUVibVAwIn0";

schema::Session session() {
  schema::Session s;
  s.id = std::string(32, 'S');
  s.expires_at = t0 + 7 * 24h;
  s.token = std::string(32, 'T');
  s.created_at = s.updated_at = t0;
  s.ip_address = "203.0.113.9";
  s.user_agent = "ua";
  s.user_id = std::string(32, 'U');
  return s;
}

schema::User user() {
  schema::User u;
  u.id = std::string(32, 'U');
  u.name = "Ada \xC3\xA9\"<";
  u.email = "ada@example.test";
  u.email_verified = false;
  u.created_at = u.updated_at = t0;
  return u;
}

CookieCache cache(bool enabled = true, std::string version = "1") {
  return CookieCache({.enabled = enabled, .max_age = 300s, .version = std::move(version)}, CookieNames::make(false),
                     {secret});
}

http::Request with_cookies(const std::string& value, const std::string& token = std::string(32, 'T')) {
  http::Request r;
  r.message.set("Cookie", "better-auth.session_token=" + token + ".x; better-auth.session_data=" + value);
  return r;
}

TEST(CookieCache, WritesWhatBetterAuthWrites) {
  const auto set = cache().issue(session(), user(), true, t0);
  ASSERT_TRUE(set.has_value());
  EXPECT_EQ(*set, "better-auth.session_data=" + node_value + "; Max-Age=300; Path=/; HttpOnly; SameSite=Lax");
  const auto forgotten = cache().issue(session(), user(), false, t0);
  EXPECT_EQ(forgotten->find("Max-Age"), std::string::npos) << "rememberMe false: a browser-session cookie";
  EXPECT_FALSE(cache(false).issue(session(), user(), true, t0).has_value());
}

TEST(CookieCache, ReadsBetterAuthsCookie) {
  const auto read = cache().read(with_cookies(node_value), std::string(32, 'T'), t0 + 10s);
  ASSERT_TRUE(read.has_value());
  EXPECT_EQ(read->user.name, "Ada \xC3\xA9\"<");
  EXPECT_EQ(read->session.expires_at, t0 + 7 * 24h);
  EXPECT_EQ(read->session.ip_address, "203.0.113.9");
}

TEST(CookieCache, RefusesAnythingDoubtful) {
  const std::string token(32, 'T');
  EXPECT_FALSE(cache().read(with_cookies(node_value), token, t0 + 301s)) << "the cache expired";
  EXPECT_FALSE(cache().read(with_cookies(node_value, std::string(32, 'X')), std::string(32, 'X'), t0))
      << "bound to its session token (1.7)";
  EXPECT_FALSE(cache(true, "2").read(with_cookies(node_value), token, t0)) << "another version";
  std::string tampered = node_value;
  tampered[40] = tampered[40] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(cache().read(with_cookies(tampered), token, t0));
  EXPECT_FALSE(cache().read(with_cookies("%%%"), token, t0));
  EXPECT_FALSE(CookieCache({.enabled = true}, CookieNames::make(false), {std::string(32, 'x')})
                   .read(with_cookies(node_value), token, t0))
      << "another secret";
  EXPECT_FALSE(cache(false).read(with_cookies(node_value), token, t0)) << "disabled";
  EXPECT_TRUE(cache().present(with_cookies(node_value)));
}

}  // namespace
}  // namespace vibework::auth
