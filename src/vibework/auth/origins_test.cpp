// Trusted origins and the CSRF checks, as Better-Auth 1.7 applies them (facts file §7.1).
#include <gtest/gtest.h>

#include "vibework/auth/origins.hpp"

namespace vibework::auth {
namespace {

const TrustedOrigins trusted("http://localhost:3000",
                             {"https://app.example.com", "https://*.preview.example.com", "*.example.org",
                              "myapp://", "exp://192.168.1.5:8081/--/auth"});

TEST(Origins, OriginOfAnHttpUrl) {
  EXPECT_EQ(origin_of("https://App.Example.com:443/path?q=1"), "https://app.example.com");
  EXPECT_EQ(origin_of("http://localhost:3000/x"), "http://localhost:3000");
  EXPECT_EQ(origin_of("null"), "");
  EXPECT_EQ(origin_of("/relative"), "");
  EXPECT_EQ(origin_of("myapp://home"), "");
}

TEST(Origins, ExactOriginsAndTheBaseUrl) {
  EXPECT_TRUE(trusted.allows("http://localhost:3000"));
  EXPECT_TRUE(trusted.allows("https://app.example.com/settings"));
  EXPECT_FALSE(trusted.allows("https://app.example.com.evil.com"));
  EXPECT_FALSE(trusted.allows("http://app.example.com")) << "the scheme is part of the origin";
  EXPECT_FALSE(trusted.allows("http://localhost:3001"));
}

TEST(Origins, GlobsMatchTheOriginOrTheHost) {
  EXPECT_TRUE(trusted.allows("https://pr-12.preview.example.com"));
  EXPECT_FALSE(trusted.allows("http://pr-12.preview.example.com"));
  EXPECT_TRUE(trusted.allows("https://docs.example.org/a"));  // host glob: any scheme
  EXPECT_TRUE(trusted.allows("http://docs.example.org"));
  EXPECT_FALSE(trusted.allows("https://example.org.evil.net"));
}

TEST(Origins, CustomSchemesByScheme_AuthorityAndPathPrefix) {
  EXPECT_TRUE(trusted.allows("myapp://anything/at/all"));
  EXPECT_TRUE(trusted.allows("exp://192.168.1.5:8081/--/auth/callback"));
  EXPECT_FALSE(trusted.allows("exp://192.168.1.6:8081/--/auth"));
  EXPECT_FALSE(trusted.allows("exp://192.168.1.5:8081/--/other"));
  EXPECT_FALSE(trusted.allows("otherapp://x"));
}

TEST(Origins, RelativeCallbacksThatCannotLeaveTheSite) {
  EXPECT_TRUE(trusted.allows_callback("/dashboard"));
  EXPECT_TRUE(trusted.allows_callback("/a/b-c_d.e?tab=1&x=%20"));
  EXPECT_TRUE(trusted.allows_callback("https://app.example.com/welcome"));
  EXPECT_FALSE(trusted.allows_callback("//evil.com"));
  EXPECT_FALSE(trusted.allows_callback("/\\evil.com"));
  EXPECT_FALSE(trusted.allows_callback("/%2Fevil.com"));
  EXPECT_FALSE(trusted.allows_callback("/%5cevil.com"));
  EXPECT_FALSE(trusted.allows_callback("/path#fragment"));
  EXPECT_FALSE(trusted.allows_callback("https://evil.com/welcome"));
  EXPECT_FALSE(trusted.allows_callback("javascript:alert(1)"));
}

TEST(Origins, CookieBearingWritesNeedATrustedOrigin) {
  EXPECT_EQ(origin_check({.method = "POST", .has_cookie = false}, trusted), "") << "no cookie, no CSRF risk";
  EXPECT_EQ(origin_check({.method = "GET", .has_cookie = true}, trusted), "");
  EXPECT_EQ(origin_check({.method = "POST", .has_cookie = true}, trusted), "MISSING_OR_NULL_ORIGIN");
  EXPECT_EQ(origin_check({.method = "POST", .has_cookie = true, .origin = "null"}, trusted), "MISSING_OR_NULL_ORIGIN");
  EXPECT_EQ(origin_check({.method = "POST", .has_cookie = true, .origin = "https://evil.com"}, trusted), "INVALID_ORIGIN");
  EXPECT_EQ(origin_check({.method = "POST", .has_cookie = true, .origin = "http://localhost:3000"}, trusted), "");
  EXPECT_EQ(origin_check({.method = "POST", .has_cookie = true, .referer = "https://app.example.com/login"}, trusted), "");
}

TEST(Origins, FetchMetadataOnSignInAndSignUp) {
  EXPECT_EQ(form_csrf_check({.method = "POST"}, trusted), "") << "curl and servers send neither";
  EXPECT_EQ(form_csrf_check({.method = "POST", .sec_fetch_site = "cross-site", .sec_fetch_mode = "navigate"}, trusted),
            "CROSS_SITE_NAVIGATION_LOGIN_BLOCKED");
  EXPECT_EQ(form_csrf_check({.method = "POST", .sec_fetch_site = "same-origin"}, trusted), "MISSING_OR_NULL_ORIGIN");
  EXPECT_EQ(form_csrf_check({.method = "POST", .origin = "http://localhost:3000", .sec_fetch_site = "same-origin"}, trusted),
            "");
  EXPECT_EQ(form_csrf_check({.method = "POST", .origin = "https://evil.com"}, trusted), "INVALID_ORIGIN");
  EXPECT_EQ(form_csrf_check({.method = "POST", .has_cookie = true, .origin = "https://evil.com"}, trusted),
            "INVALID_ORIGIN");
}

}  // namespace
}  // namespace vibework::auth
