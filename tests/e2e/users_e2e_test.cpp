// GET/PATCH /api/users/me on the binary (issue 13, users): the caller's own user, read
// cache-aside through Redis (`user:<id>`, 300 s) and dropped from it by every change — the
// PATCH itself and auth's update-user alike — and 401 JSON without a session.
#include "auth_harness.hpp"

using namespace vibework::e2e;
using namespace vibework::e2e::auth_harness;
using namespace std::chrono_literals;

namespace {

// What Redis holds for a key ("" when nothing), through redis-cli on the shared server.
std::string redis_get(const std::string& key) {
  ChildProcess p("/usr/bin/redis-cli", {"-u", env_or("REDIS_URL", "redis://127.0.0.1:6379"), "--raw", "GET", key}, {});
  const auto code = p.wait_for_exit(10s);
  EXPECT_EQ(code, 0) << p.output();
  return trim(p.output());
}

class UsersE2E : public AuthE2E {};

TEST_F(UsersE2E, MeIsReadThroughTheCacheAndEveryChangeDropsIt) {
  Server server(env());
  Browser b(server.port);
  const auto email = unique_email("me");
  auto up = b.sign_up(email, "Ada");
  ASSERT_EQ(up.status, 200u) << up.body;
  const auto id = str(json_of(up).at("user"), "id");

  TestClient anonymous(server.port);
  auto refused = anonymous.request(verb::get, "/api/users/me");
  EXPECT_EQ(refused.status, 401u);
  EXPECT_EQ(str(json_of(refused), "code"), "UNAUTHORIZED");

  auto me = b.client.send(verb::get, "/api/users/me", {{"Cookie", b.jar.header()}});
  ASSERT_EQ(me.status, 200u) << me.body;
  const auto user = json_of(me);
  EXPECT_EQ(str(user, "id"), id);
  EXPECT_EQ(str(user, "email"), email);
  EXPECT_FALSE(user.at("emailVerified").as_bool());
  EXPECT_TRUE(user.at("image").is_null());
  for (const auto* key : {"name", "createdAt", "updatedAt"}) EXPECT_TRUE(user.as_object().contains(key)) << key;
  EXPECT_NE(redis_get("user:" + id).find(email), std::string::npos) << "cached after the first read";

  const Headers json_with_cookie{{"Cookie", b.jar.header()}, {"Content-Type", "application/json"}};
  auto patched = b.client.send(verb::patch, "/api/users/me", json_with_cookie, R"({"name":"  Ada Lovelace  "})");
  ASSERT_EQ(patched.status, 200u) << patched.body;
  EXPECT_EQ(str(json_of(patched), "name"), "Ada Lovelace") << "trimmed";
  EXPECT_EQ(redis_get("user:" + id), "") << "the PATCH dropped the cached copy";
  EXPECT_EQ(str(json_of(b.client.send(verb::get, "/api/users/me", {{"Cookie", b.jar.header()}})), "name"), "Ada Lovelace");
  EXPECT_EQ(str(json_of(b.get("/get-session")).at("user"), "name"), "Ada Lovelace") << "the session sees it too";

  ASSERT_EQ(b.post("/update-user", boost::json::object{{"name", "Countess"}}).status, 200u);
  EXPECT_EQ(redis_get("user:" + id), "") << "auth's update-user drops the same key";
  EXPECT_EQ(str(json_of(b.client.send(verb::get, "/api/users/me", {{"Cookie", b.jar.header()}})), "name"), "Countess");

  for (const auto* bad : {R"({"name":""})", R"({"name":5})", R"({"email":"x@example.com"})", R"({})", "[1]"}) {
    auto r = b.client.send(verb::patch, "/api/users/me", json_with_cookie, bad);
    EXPECT_EQ(r.status, 400u) << bad << " -> " << r.body;
  }
  auto unknown = b.client.send(verb::patch, "/api/users/me", json_with_cookie, R"({"nickname":"A"})");
  EXPECT_NE(str(json_of(unknown), "message").find("nickname"), std::string::npos) << "names the field: " << unknown.body;
  // Longer than the image column holds: a 400 naming the field (it was a 500 from MySQL).
  const auto huge = boost::json::serialize(boost::json::object{{"image", std::string(65536, 'i')}});
  auto too_long = b.client.send(verb::patch, "/api/users/me", json_with_cookie, huge);
  EXPECT_EQ(too_long.status, 400u) << too_long.body;
  EXPECT_NE(str(json_of(too_long), "message").find("[body.image]"), std::string::npos) << too_long.body;
}

}  // namespace
