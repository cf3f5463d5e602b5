#include "vibework/http/router.hpp"

#include <gtest/gtest.h>

#include "vibework/testkit/async.hpp"

using namespace vibework;
using namespace vibework::http;

namespace {
Handler tagged(int* out, int tag) {
  return [out, tag](Request&) -> awaitable<Response> {
    *out = tag;
    co_return Response{};
  };
}
}  // namespace

TEST(Router, MatchesLiteralAndParameterRoutes) {
  Router r;
  int hit = 0;
  r.get("/health/live", tagged(&hit, 1));
  r.get("/users/:id", tagged(&hit, 2));
  r.get("/users/:id/sessions/:sid", tagged(&hit, 3));
  PathParams params;
  EXPECT_NE(r.match(Verb::get, "/health/live", params).handler, nullptr);
  auto m = r.match(Verb::get, "/users/42", params);
  ASSERT_NE(m.handler, nullptr);
  EXPECT_EQ(params.get("id"), "42");
  m = r.match(Verb::get, "/users/7/sessions/abc", params);
  ASSERT_NE(m.handler, nullptr);
  EXPECT_EQ(params.get("id"), "7");
  EXPECT_EQ(params.get("sid"), "abc");
}

TEST(Router, UnknownPathHasNoHandlerAndNoAllow) {
  Router r;
  int hit = 0;
  r.get("/users/:id", tagged(&hit, 1));
  PathParams params;
  auto m = r.match(Verb::get, "/nope", params);
  EXPECT_EQ(m.handler, nullptr);
  EXPECT_TRUE(m.allow.empty());
  EXPECT_EQ(r.match(Verb::get, "/users", params).handler, nullptr);
  EXPECT_EQ(r.match(Verb::get, "/users/1/extra", params).handler, nullptr);
}

TEST(Router, WrongMethodReportsAllowedMethods) {
  Router r;
  int hit = 0;
  r.get("/items/:id", tagged(&hit, 1));
  r.del("/items/:id", tagged(&hit, 2));
  PathParams params;
  auto m = r.match(Verb::post, "/items/1", params);
  EXPECT_EQ(m.handler, nullptr);
  EXPECT_EQ(m.allow, "GET, DELETE");
}

TEST(Router, LiteralBeatsParameterRegardlessOfOrder) {
  Router r;
  int hit = 0;
  r.get("/users/:id", tagged(&hit, 1));
  r.get("/users/me", tagged(&hit, 2));
  PathParams params;
  auto m = r.match(Verb::get, "/users/me", params);
  ASSERT_NE(m.handler, nullptr);
  Request req;
  testkit::run_async((*m.handler)(req));
  EXPECT_EQ(hit, 2);
  m = r.match(Verb::get, "/users/5", params);
  ASSERT_NE(m.handler, nullptr);
  testkit::run_async((*m.handler)(req));
  EXPECT_EQ(hit, 1);
  EXPECT_EQ(params.get("id"), "5");
}

TEST(Router, RestWildcardAndTrailingSlashes) {
  Router r;
  int hit = 0;
  r.get("/api/auth/*", tagged(&hit, 1));
  PathParams params;
  EXPECT_NE(r.match(Verb::get, "/api/auth/sign-in/email", params).handler, nullptr);
  EXPECT_NE(r.match(Verb::get, "/api/auth", params).handler, nullptr);
  EXPECT_NE(r.match(Verb::get, "//api//auth/x/", params).handler, nullptr);
  EXPECT_EQ(r.match(Verb::get, "/api", params).handler, nullptr);
}

TEST(Router, HeadIsServedByGet) {
  Router r;
  int hit = 0;
  r.get("/health/live", tagged(&hit, 1));
  PathParams params;
  EXPECT_NE(r.match(Verb::head, "/health/live", params).handler, nullptr);
}

TEST(Router, RejectsBadPatterns) {
  Router r;
  EXPECT_THROW(r.get("no-slash", {}), std::invalid_argument);
  EXPECT_THROW(r.get("/a/*/b", {}), std::invalid_argument);
}

TEST(Router, MatchNamesTheRouteTemplate) {
  Router r;
  int hit = 0;
  r.get("/api/notifications/:id", tagged(&hit, 1));
  PathParams params;
  const auto m = r.match(Verb::get, "/api/notifications/65f0c0ffee", params);
  ASSERT_NE(m.pattern, nullptr);
  EXPECT_EQ(*m.pattern, "/api/notifications/:id");
  EXPECT_EQ(r.match(Verb::get, "/nowhere", params).pattern, nullptr);
}

TEST(Router, LiteralRoutesWinOverRestRoutesAndAnyWayOfWritingThePath) {
  Router r;
  int hit = 0;
  r.get("/files/*", tagged(&hit, 1));
  r.get("/files", tagged(&hit, 2));
  r.post("/files/:name", tagged(&hit, 3));
  PathParams params;
  Request req;
  for (const std::string_view path : {"/files", "//files", "/files/"}) {
    auto m = r.match(Verb::get, path, params);
    ASSERT_NE(m.handler, nullptr) << path;
    testkit::run_async((*m.handler)(req));
    EXPECT_EQ(hit, 2) << path;
    EXPECT_EQ(*m.pattern, "/files") << path;
  }
  EXPECT_NE(r.match(Verb::head, "/files", params).handler, nullptr) << "HEAD is served by GET";
  auto m = r.match(Verb::post, "/files/a", params);
  ASSERT_NE(m.handler, nullptr);
  EXPECT_EQ(params.get("name"), "a");
  m = r.match(Verb::get, "/files", params);
  EXPECT_TRUE(params.get("name").empty()) << "a literal match leaves no parameters behind";
  m = r.match(Verb::delete_, "/files", params);
  EXPECT_EQ(m.handler, nullptr);
  EXPECT_EQ(m.allow, "GET") << "the wrong method still walks every route for Allow";
}
