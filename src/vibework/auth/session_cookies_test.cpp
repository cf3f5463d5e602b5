// SessionCookies: what a browser sends and receives around a session (facts file §3).
#include <gtest/gtest.h>

#include "vibework/auth/session_cookies.hpp"
#include "vibework/auth/signed_cookie.hpp"
#include "vibework/infra/errors.hpp"

namespace vibework::auth {
namespace {

const std::string secret(32, 's'), old_secret(32, 'o');
const std::string token = "Ab3dEf6hIj9kLmN0pQrStUvWxYz12345";

Config config_with(std::vector<std::string> secrets, std::string base_url = "http://localhost:3000") {
  Config c;
  c.secrets = std::move(secrets);
  c.base_url = std::move(base_url);
  return c;
}

http::Request with_cookie(const std::string& cookie) {
  http::Request r;
  r.message.set("Cookie", cookie);
  return r;
}

TEST(SessionCookies, ReadsASignedTokenByAnySecretAndRefusesTampering) {
  const SessionCookies cookies(config_with({secret, old_secret}), false);
  EXPECT_EQ(cookies.token(with_cookie("better-auth.session_token=" + sign_cookie_value(token, secret))), token);
  EXPECT_EQ(cookies.token(with_cookie("a=b; better-auth.session_token=" + sign_cookie_value(token, old_secret))), token)
      << "signed before the rotation";
  EXPECT_EQ(cookies.token(with_cookie("better-auth.session_token=" + token)), std::nullopt) << "unsigned";
  EXPECT_EQ(cookies.token(with_cookie("better-auth.session_token=" + sign_cookie_value(token, std::string(32, 'x')))),
            std::nullopt);
  EXPECT_EQ(cookies.token(http::Request{}), std::nullopt);
  EXPECT_FALSE(cookies.dont_remember(with_cookie("better-auth.dont_remember=true")));
  EXPECT_TRUE(cookies.dont_remember(with_cookie("better-auth.dont_remember=" + sign_cookie_value("true", secret))));
}

http::Request with_authorization(const std::string& value) {
  http::Request r;
  r.message.set("Authorization", value);
  return r;
}

TEST(SessionCookies, BearerTokensAsBetterAuthsPluginReadsThem) {
  const SessionCookies cookies(config_with({secret}), false);
  const auto signed_value = token + "." + cookie_signature(token, secret);  // what set-auth-token carries
  EXPECT_EQ(cookies.token(with_authorization("Bearer " + signed_value)), token);
  EXPECT_EQ(cookies.token(with_authorization("bearer " + sign_cookie_value(token, secret))), token)
      << "any case, percent-encoded too";
  EXPECT_EQ(cookies.token(with_authorization("Bearer " + token)), token) << "the raw token (requireSignature off)";
  EXPECT_EQ(cookies.token(with_authorization("Bearer " + token + ".AAAA")), std::nullopt) << "a bad signature";
  EXPECT_EQ(cookies.token(with_authorization("Basic " + token)), std::nullopt);
  EXPECT_EQ(cookies.token(with_authorization("Bearer a b")), std::nullopt);

  auto both = with_cookie("better-auth.session_token=" + sign_cookie_value(token, std::string(32, 'x')));
  both.message.set("Authorization", "Bearer " + signed_value);
  EXPECT_EQ(cookies.token(both), std::nullopt) << "a session cookie, even a bad one, is what counts";

  Config off = config_with({secret});
  off.bearer = false;
  EXPECT_EQ(SessionCookies(off, false).token(with_authorization("Bearer " + signed_value)), std::nullopt);
}

TEST(SessionCookies, TheBearerTokenOfASetCookie) {
  const SessionCookies cookies(config_with({secret}), false);
  const auto issued = cookies.issue(token, true).front();
  EXPECT_EQ(cookies.bearer_for(issued), token + "." + cookie_signature(token, secret));
  EXPECT_EQ(cookies.bearer_for(cookies.clear().front()), std::nullopt) << "a deletion carries none";
  EXPECT_EQ(cookies.bearer_for("other=1"), std::nullopt);
}

TEST(SessionCookies, IssuesWithRememberMeOrWithoutIt) {
  const SessionCookies cookies(config_with({secret, old_secret}), false);
  const auto remembered = cookies.issue(token, true);
  ASSERT_EQ(remembered.size(), 1u);
  EXPECT_EQ(remembered[0], "better-auth.session_token=" + sign_cookie_value(token, secret) +
                               "; Max-Age=604800; Path=/; HttpOnly; SameSite=Lax");
  const auto forgotten = cookies.issue(token, false);
  ASSERT_EQ(forgotten.size(), 2u);
  EXPECT_EQ(forgotten[0], "better-auth.session_token=" + sign_cookie_value(token, secret) +
                              "; Path=/; HttpOnly; SameSite=Lax")
      << "a browser-session cookie";
  EXPECT_EQ(forgotten[1], "better-auth.dont_remember=" + sign_cookie_value("true", secret) +
                              "; Path=/; HttpOnly; SameSite=Lax");
  EXPECT_EQ(cookies.refresh(token), remembered[0]);
}

TEST(SessionCookies, SecureNamesOverHttpsAndClearingEveryCookie) {
  const SessionCookies cookies(config_with({secret}, "https://app.example.com"), false);
  EXPECT_EQ(cookies.names().session_token, "__Secure-better-auth.session_token");
  EXPECT_NE(cookies.issue(token, true)[0].find("; Secure; SameSite=Lax"), std::string::npos);
  const auto cleared = cookies.clear();
  ASSERT_EQ(cleared.size(), 3u);
  EXPECT_EQ(cleared[0], "__Secure-better-auth.session_token=; Max-Age=0; Path=/; HttpOnly; Secure; SameSite=Lax");
  EXPECT_EQ(cleared[2].rfind("__Secure-better-auth.dont_remember=; Max-Age=0", 0), 0u);
}

TEST(SessionCookies, RefusesToWorkWithoutASecret) {
  EXPECT_THROW(SessionCookies(config_with({}), false), infra::ConfigError);
}

}  // namespace
}  // namespace vibework::auth
