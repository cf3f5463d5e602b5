// Passwords, signed cookies and tokens against values Better-Auth's own code produced (Node's
// crypto, with Better-Auth's parameters), so both sides accept each other's output.
#include <array>
#include <set>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "vibework/auth/password.hpp"
#include "vibework/auth/random_token.hpp"
#include "vibework/auth/signed_cookie.hpp"
#include "vibework/auth/text.hpp"
#include "vibework/infra/errors.hpp"

namespace vibework::auth {
namespace {

// Cheap parameters: the tests check formats, not strength.
const Argon2Params fast{.memory_kib = 64, .iterations = 1, .parallelism = 1};

// node -e 'crypto.scryptSync("password123".normalize("NFKC"), salt, 64, {N:16384,r:16,p:1,maxmem:128*16384*16*2})'
const std::string better_auth_hash =
    "0123456789abcdef0123456789abcdef:e8b256b6f9f4b1641136a66d4a26ba41a47b6c8c9bad6aa4145559ffda45ece1"
    "f0f16dec8482a3e5545feada0ba62f2b05eeb943b750c9396874e1762c78d27d";
// The same salt, password "\uFB01anc\u00E9 \u2460" (NFKC: "fiancé 1").
const std::string better_auth_nfkc_hash =
    "0123456789abcdef0123456789abcdef:fe39f07d443bc768c39025c529eb99e03d76ced7d61847c9b7125af9c2d60443"
    "723689066e419b33e510b57879cee528f03491fb19f9df447cb4471ea516e4cc";

TEST(Password, VerifiesBetterAuthScryptHashes) {
  EXPECT_EQ(hash_format(better_auth_hash), HashFormat::scrypt);
  EXPECT_TRUE(verify_password("password123", better_auth_hash));
  EXPECT_FALSE(verify_password("password124", better_auth_hash));
  EXPECT_TRUE(needs_rehash(better_auth_hash));
}

TEST(Password, NormalizesToNfkcAsBetterAuthDoes) {
  EXPECT_EQ(nfkc("\xEF\xAC\x81" "anc\xC3\xA9 \xE2\x91\xA0"), "fianc\xC3\xA9 1");
  EXPECT_TRUE(verify_password("\xEF\xAC\x81" "anc\xC3\xA9 \xE2\x91\xA0", better_auth_nfkc_hash));
  EXPECT_TRUE(verify_password("fianc\xC3\xA9 1", better_auth_nfkc_hash));
  EXPECT_THROW(nfkc("bad \xC3"), infra::InvalidArgumentError);
}

TEST(Password, NewHashesAreArgon2idPhcStringsThatVerify) {
  const auto stored = hash_password("correct horse battery", fast);
  EXPECT_TRUE(stored.starts_with("$argon2id$v=19$m=64,t=1,p=1$")) << stored;
  EXPECT_EQ(hash_format(stored), HashFormat::argon2id);
  EXPECT_TRUE(verify_password("correct horse battery", stored));
  EXPECT_FALSE(verify_password("correct horse batterx", stored));
  EXPECT_NE(hash_password("correct horse battery", fast), stored) << "a fresh salt each time";
}

TEST(Password, DefaultParametersAreOwasps) {
  const auto stored = hash_password("password123");
  EXPECT_TRUE(stored.starts_with("$argon2id$v=19$m=19456,t=2,p=1$")) << stored;
  EXPECT_FALSE(needs_rehash(stored));
  EXPECT_TRUE(needs_rehash(stored, fast));
}

TEST(Password, DecoysCarryTheRealParametersAndMatchNothing) {
  const auto decoy = decoy_hash(fast);
  EXPECT_TRUE(decoy.starts_with("$argon2id$v=19$m=64,t=1,p=1$")) << decoy;
  EXPECT_FALSE(needs_rehash(decoy, fast)) << "verifying it costs what a real hash with these parameters costs";
  EXPECT_FALSE(verify_password("", decoy));
  EXPECT_FALSE(verify_password("vibework decoy password", decoy));
  EXPECT_NE(decoy_hash(fast), decoy) << "a fresh secret each time";
}

TEST(Password, UnknownFormatsMatchNothing) {
  const std::vector<std::string> unknown{"", "plain", "abc:def", "$2b$10$abcdefghijklmnopqrstuv", better_auth_hash.substr(1)};
  for (const auto& stored : unknown) {
    EXPECT_EQ(hash_format(stored), HashFormat::unknown) << stored;
    EXPECT_FALSE(verify_password("password123", stored)) << stored;
    EXPECT_TRUE(needs_rehash(stored)) << stored;
  }
}

// node -e 'crypto.createHmac("sha256", secret).update(token).digest("base64")'
const std::string secret = "better-auth-secret-12345678901234567890";
const std::string token = "Ab3dEf6hIj9kLmN0pQrStUvWxYz12345";
const std::string node_signature = "5mNf9t99kCCTBA9PayIDsi0xpfi3ExT6+tYk3jEro6I=";

TEST(SignedCookie, MatchesBetterCallsSignatureAndEncoding) {
  EXPECT_EQ(cookie_signature(token, secret), node_signature);
  EXPECT_EQ(sign_cookie_value(token, secret),
            "Ab3dEf6hIj9kLmN0pQrStUvWxYz12345.5mNf9t99kCCTBA9PayIDsi0xpfi3ExT6%2BtYk3jEro6I%3D");
}

// RFC 4231 test case 2, and OpenSSL's one-shot HMAC() for keys around the 64-byte block size
// and for more secrets than a thread keeps prepared.
TEST(SignedCookie, HmacSha256MatchesTheStandardForEveryKeyLength) {
  const auto hex = [](std::string_view bytes) {
    std::string out;
    for (unsigned char c : bytes) out += fmt::format("{:02x}", c);
    return out;
  };
  EXPECT_EQ(hex(hmac_sha256("what do ya want for nothing?", "Jefe")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  for (int round = 0; round < 2; ++round) {
    for (const std::size_t length : {0, 1, 32, 63, 64, 65, 131, 200}) {
      for (int variant = 0; variant < 3; ++variant) {
        const std::string key(length, static_cast<char>('a' + variant));
        const std::string message = "message " + std::to_string(length * 10 + static_cast<std::size_t>(variant));
        std::array<unsigned char, 32> expected{};
        unsigned int n = 0;
        HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(message.data()),
             message.size(), expected.data(), &n);
        EXPECT_EQ(hmac_sha256(message, key), std::string(reinterpret_cast<const char*>(expected.data()), n))
            << "key of " << length << " bytes, round " << round;
      }
    }
  }
}

TEST(SignedCookie, PercentDecodingIsDecodeUriComponents) {
  EXPECT_EQ(percent_decode("a%2Bb%2fc%3D"), "a+b/c=");
  EXPECT_EQ(percent_decode("plain"), "plain");
  EXPECT_EQ(percent_decode("100%"), "100%") << "an escape it cannot decode leaves the text as it is";
  EXPECT_EQ(percent_decode("%zz%41"), "%zz%41");
  EXPECT_EQ(percent_decode("%41%4"), "%41%4");
  EXPECT_EQ(percent_decode("%E2%9C%93"), "\xE2\x9C\x93");
}

TEST(SignedCookie, VerifiesWithAnySecretOfTheList) {
  const std::vector<std::string> rotated{"new-secret-at-least-32-bytes-long!!", secret};
  EXPECT_EQ(unsign_cookie_value(token + "." + node_signature, rotated), token);
  EXPECT_EQ(unsign_cookie_value(token + "." + node_signature, std::vector<std::string>{"another secret"}), std::nullopt);
}

TEST(SignedCookie, MalformedOrTamperedValuesAreNoSession) {
  const std::vector<std::string> secrets{secret};
  const std::vector<std::string> malformed{std::string(), token, "." + node_signature, token + ".", token + ".short=",
                                           token + "." + node_signature.substr(0, 43) + "A",
                                           "X" + token + "." + node_signature};
  for (const auto& bad : malformed) {
    EXPECT_EQ(unsign_cookie_value(bad, secrets), std::nullopt) << bad;
  }
}

TEST(SignedCookie, EncodesLikeEncodeUriComponent) {
  EXPECT_EQ(encode_uri_component("a+b/c=d e;f,g"), "a%2Bb%2Fc%3Dd%20e%3Bf%2Cg");
  EXPECT_EQ(encode_uri_component("-_.!~*'()"), "-_.!~*'()");
  EXPECT_EQ(encode_uri_component("\xC3\xA9"), "%C3%A9");
}

TEST(RandomToken, ThirtyTwoAlphanumericCharactersNeverRepeating) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    const auto t = random_token();
    ASSERT_EQ(t.size(), session_token_length);
    for (const char c : t) ASSERT_TRUE(std::isalnum(static_cast<unsigned char>(c))) << t;
    seen.insert(t);
  }
  EXPECT_EQ(seen.size(), 1000u);
  EXPECT_EQ(random_token(100).size(), 100u);
}

TEST(RandomToken, UsesTheWholeAlphabet) {
  std::set<char> chars;
  for (int i = 0; i < 200; ++i) {
    for (const char c : random_token()) chars.insert(c);
  }
  EXPECT_EQ(chars.size(), 62u);  // 6400 draws: missing one of 62 has odds below 1e-40
}

}  // namespace
}  // namespace vibework::auth

namespace vibework::auth {
namespace {
TEST(RandomToken, LowerCaseTokensForDeleteAccountLinks) {
  std::set<char> chars;
  for (int i = 0; i < 200; ++i) {
    for (const char c : random_token(32, TokenAlphabet::lower_case)) chars.insert(c);
  }
  EXPECT_EQ(chars.size(), 36u) << "every one of [a-z0-9], nothing else";
  for (const char c : chars) EXPECT_TRUE(std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)));
}
}  // namespace
}  // namespace vibework::auth
