// Cookie names, reading and writing, as Better-Auth 1.7 does them (facts file §3.1-3.2).
#include <gtest/gtest.h>

#include "vibework/auth/cookies.hpp"
#include "vibework/infra/errors.hpp"

namespace vibework::auth {
namespace {

using namespace std::chrono_literals;

TEST(Cookies, SecureWhenTheBaseUrlIsHttpsElseInProduction) {
  EXPECT_TRUE(secure_cookies("https://app.example.com", false));
  EXPECT_FALSE(secure_cookies("http://localhost:3000", true));  // an http base URL wins over production
  EXPECT_TRUE(secure_cookies("", true));
  EXPECT_FALSE(secure_cookies("", false));
}

TEST(Cookies, NamesCarryThePrefixAndSecurePrefix) {
  const auto plain = CookieNames::make(false);
  EXPECT_EQ(plain.session_token, "better-auth.session_token");
  EXPECT_EQ(plain.session_data, "better-auth.session_data");
  EXPECT_EQ(plain.dont_remember, "better-auth.dont_remember");
  const auto secure = CookieNames::make(true, "my-app");
  EXPECT_EQ(secure.session_token, "__Secure-my-app.session_token");
  EXPECT_TRUE(secure.secure);
}

TEST(Cookies, TheFirstOccurrenceWinsAndValuesAreDecoded) {
  const std::string header =
      "theme=dark; better-auth.session_token=abc.x%2By%3D; better-auth.session_token=second; q=\"quoted%20v\"";
  EXPECT_EQ(find_cookie(header, "better-auth.session_token"), "abc.x+y=");
  EXPECT_EQ(find_cookie(header, "q"), "quoted v");
  EXPECT_EQ(find_cookie(header, "theme"), "dark");
  EXPECT_EQ(find_cookie(header, "missing"), std::nullopt);
  EXPECT_EQ(find_cookie("a=%zz", "a"), "%zz") << "malformed escapes are kept as sent";
  EXPECT_EQ(find_cookie("a=", "a"), "");
  EXPECT_EQ(find_cookie("", "a"), std::nullopt);
  EXPECT_EQ(find_cookie("better-auth.session_token_x=1", "better-auth.session_token"), std::nullopt);
}

TEST(Cookies, SetCookieInBetterAuthsOrder) {
  EXPECT_EQ(set_cookie({.name = "better-auth.session_token", .value = "t.s%3D", .max_age = 604800s}),
            "better-auth.session_token=t.s%3D; Max-Age=604800; Path=/; HttpOnly; SameSite=Lax");
  EXPECT_EQ(set_cookie({.name = "__Secure-better-auth.dont_remember", .value = "v", .domain = "example.com",
                        .secure = true}),
            "__Secure-better-auth.dont_remember=v; Domain=example.com; Path=/; HttpOnly; Secure; SameSite=Lax");
  EXPECT_EQ(delete_cookie("better-auth.session_token", false),
            "better-auth.session_token=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax");
}

TEST(Cookies, MaxAgeAbove400DaysIsRefused) {
  EXPECT_NO_THROW(set_cookie({.name = "a", .value = "b", .max_age = 34560000s}));
  EXPECT_THROW(set_cookie({.name = "a", .value = "b", .max_age = 34560001s}), infra::InvalidArgumentError);
}

}  // namespace
}  // namespace vibework::auth
