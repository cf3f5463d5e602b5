// Email-verification JWTs: one made by Node's jose (as Better-Auth signs them) verifies here, and
// ours have Better-Auth's shape.
#include "vibework/auth/email_token.hpp"

#include <gtest/gtest.h>

#include "vibework/auth/signed_cookie.hpp"

namespace vibework::auth {
namespace {

using namespace std::chrono_literals;

const std::string secret(32, 's');
const std::vector<std::string> secrets{secret};
const TimePoint t0{std::chrono::seconds(1'800'000'000)};

// new SignJWT({email: "ada@example.test", updateTo: undefined, requestType: "change-email-verification"})
//   .setProtectedHeader({alg: "HS256"}).setIssuedAt(1800000000).setExpirationTime(1800003600)
//   .sign(new TextEncoder().encode("s".repeat(32)))            (jose, as better-auth/crypto signJWT)
const std::string node_token =
    "eyJhbGciOiJIUzI1NiJ9.eyJlbWFpbCI6ImFkYUBleGFtcGxlLnRlc3QiLCJyZXF1ZXN0VHlwZSI6ImNoYW5nZS1lbWFpbC12ZXJpZmljYXRpb24i"
    "LCJpYXQiOjE4MDAwMDAwMDAsImV4cCI6MTgwMDAwMzYwMH0.7uPR_FddSo9LpagtUeBhPVPfYDaavKqNnvmMeN_jwLg";

TEST(EmailToken, OursIsByteForByteWhatJoseSigns) {
  const EmailTokenClaims claims{.email = "Ada@Example.test", .request_type = "change-email-verification"};
  EXPECT_EQ(sign_email_token(claims, secret, 3600s, t0), node_token);
}

TEST(EmailToken, VerifiesNodesTokenUntilItExpires) {
  const auto checked = verify_email_token(node_token, secrets, t0 + 10s);
  ASSERT_TRUE(checked.claims.has_value());
  EXPECT_EQ(checked.claims->email, "ada@example.test");
  EXPECT_EQ(checked.claims->request_type, "change-email-verification");
  EXPECT_FALSE(checked.claims->update_to.has_value());
  const auto late = verify_email_token(node_token, secrets, t0 + 3600s);
  EXPECT_FALSE(late.claims.has_value());
  EXPECT_TRUE(late.expired);
}

TEST(EmailToken, RefusesForgeriesAndOtherAlgorithms) {
  const std::vector<std::string> other{std::string(32, 'x')};
  EXPECT_FALSE(verify_email_token(node_token, other, t0).claims);
  EXPECT_FALSE(verify_email_token(node_token, other, t0).expired) << "a bad signature is INVALID_TOKEN, not expired";
  std::string tampered = node_token;
  tampered[30] = tampered[30] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(verify_email_token(tampered, secrets, t0).claims);
  const auto body = node_token.substr(node_token.find('.'));
  const auto none = base64url(R"({"alg":"none"})") + body.substr(0, body.rfind('.')) + ".";
  EXPECT_FALSE(verify_email_token(none, secrets, t0).claims) << "alg none";
  EXPECT_FALSE(verify_email_token("a.b", secrets, t0).claims);
  EXPECT_FALSE(verify_email_token("", secrets, t0).claims);
  const std::vector<std::string> rotated{std::string(32, 'n'), secret};
  EXPECT_TRUE(verify_email_token(node_token, rotated, t0).claims) << "signed with an older secret of the list";
}

}  // namespace
}  // namespace vibework::auth
