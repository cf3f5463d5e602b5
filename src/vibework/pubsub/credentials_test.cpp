// JWT signing (RS256 with OpenSSL) and access-token caching against a local fake token endpoint.
#include "vibework/pubsub/credentials.hpp"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "vibework/infra/errors.hpp"
#include "vibework/pubsub/test_support.hpp"

namespace vibework::pubsub {
namespace {

namespace json = boost::json;
using testing::FakeHttpServer;
using testing::FakeResponse;
using testing::IoThreads;

struct RsaKey {
  RsaKey() : key(EVP_RSA_gen(2048)) {
    BIO* bio = BIO_new(BIO_s_mem());
    PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
    char* data = nullptr;
    const long n = BIO_get_mem_data(bio, &data);
    pem.assign(data, static_cast<std::size_t>(n));
    BIO_free(bio);
  }
  ~RsaKey() { EVP_PKEY_free(key); }
  bool verify(std::string_view input, std::string_view signature) const {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    const bool ok = EVP_DigestVerifyInit(ctx, nullptr, EVP_sha256(), nullptr, key) == 1 &&
                    EVP_DigestVerify(ctx, reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
                                     reinterpret_cast<const unsigned char*>(input.data()), input.size()) == 1;
    EVP_MD_CTX_free(ctx);
    return ok;
  }
  EVP_PKEY* key;
  std::string pem;
};

const RsaKey& test_key() {
  static const RsaKey key;  // generating RSA keys is slow: once per test binary
  return key;
}

ServiceAccountKey key_for(std::string token_uri) {
  ServiceAccountKey k;
  k.client_email = "vibework@test-project.iam.gserviceaccount.com";
  k.private_key = test_key().pem;
  k.private_key_id = "key-1";
  k.token_uri = std::move(token_uri);
  return k;
}

std::string url_decode(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      out.push_back(static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16)));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

TEST(Base64, EncodesAndDecodesBothAlphabets) {
  EXPECT_EQ(base64_encode("hello"), "aGVsbG8=");
  EXPECT_EQ(base64_encode(""), "");
  EXPECT_EQ(base64url_encode("\xfb\xff"), "-_8");
  EXPECT_EQ(base64_encode("\xfb\xff"), "+/8=");
  for (std::string s : {"", "a", "ab", "abc", "abcd", "\x00\x01\x02\xff"}) {
    EXPECT_EQ(base64_decode(base64_encode(s)), s);
    EXPECT_EQ(base64_decode(base64url_encode(s)), s);
  }
  EXPECT_FALSE(base64_decode("a$b=").has_value());
}

TEST(ServiceAccountKeyFile, MissingFieldsAreConfigErrors) {
  EXPECT_THROW(parse_service_account_key("{", "'x.json'"), infra::ConfigError);
  try {
    parse_service_account_key(R"({"client_email":"a@b"})", "'x.json'");
    FAIL();
  } catch (const infra::ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("private_key"), std::string::npos);
  }
  auto key = parse_service_account_key(R"({"client_email":"a@b","private_key":"pem"})", "'x.json'");
  EXPECT_EQ(key.token_uri, "https://oauth2.googleapis.com/token");
  EXPECT_THROW(load_service_account_key("/nonexistent/key.json"), infra::ConfigError);
}

TEST(Jwt, IsSignedWithRs256AndCarriesTheClaimsGoogleWants) {
  const auto now = std::chrono::system_clock::time_point(std::chrono::seconds(1'700'000'000));
  const auto jwt = make_signed_jwt(key_for("https://oauth2.googleapis.com/token"), pubsub_scope, now);
  const auto dot1 = jwt.find('.');
  const auto dot2 = jwt.rfind('.');
  ASSERT_NE(dot1, dot2);
  auto header = json::parse(*base64_decode(jwt.substr(0, dot1)));
  auto claims = json::parse(*base64_decode(jwt.substr(dot1 + 1, dot2 - dot1 - 1)));
  EXPECT_EQ(header.at("alg"), "RS256");
  EXPECT_EQ(header.at("typ"), "JWT");
  EXPECT_EQ(header.at("kid"), "key-1");
  EXPECT_EQ(claims.at("iss"), "vibework@test-project.iam.gserviceaccount.com");
  EXPECT_EQ(claims.at("scope"), "https://www.googleapis.com/auth/pubsub");
  EXPECT_EQ(claims.at("aud"), "https://oauth2.googleapis.com/token");
  EXPECT_EQ(claims.at("iat").to_number<std::int64_t>(), 1'700'000'000);
  EXPECT_EQ(claims.at("exp").to_number<std::int64_t>(), 1'700'003'600);
  EXPECT_EQ(jwt.find('='), std::string::npos);  // unpadded base64url
  const auto signature = base64_decode(jwt.substr(dot2 + 1));
  ASSERT_TRUE(signature.has_value());
  EXPECT_TRUE(test_key().verify(jwt.substr(0, dot2), *signature));
  EXPECT_FALSE(test_key().verify(jwt.substr(0, dot2) + "x", *signature));
}

TEST(Jwt, ABadPrivateKeyIsAConfigError) {
  auto key = key_for("https://oauth2.googleapis.com/token");
  key.private_key = "-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n";
  EXPECT_THROW(make_signed_jwt(key, pubsub_scope, std::chrono::system_clock::now()), infra::ConfigError);
}

TEST(ServiceAccountTokens, AreExchangedOnceAndCachedUntilShortlyBeforeExpiry) {
  std::atomic<int> issued{0};
  std::atomic<int> lifetime{3600};
  FakeHttpServer server([&](const testing::RecordedRequest&) {
    return FakeResponse{200, fmt::format(R"({{"access_token":"tok-{}","expires_in":{},"token_type":"Bearer"}})",
                                         ++issued, lifetime.load())};
  });
  IoThreads io;
  ServiceAccountTokenSource source(key_for(server.url() + "/token"), std::string(pubsub_scope), std::chrono::seconds(5));

  EXPECT_EQ(io.run(source.token()), "tok-1");
  EXPECT_EQ(io.run(source.token()), "tok-1");
  EXPECT_EQ(io.run(source.token()), "tok-1");
  EXPECT_EQ(source.fetch_count(), 1u);

  auto requests = server.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].method, "POST");
  EXPECT_EQ(requests[0].target, "/token");
  EXPECT_EQ(requests[0].content_type, "application/x-www-form-urlencoded");
  const auto body = url_decode(requests[0].body);
  EXPECT_TRUE(body.starts_with("grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer&assertion="));
  const auto jwt = body.substr(body.find("assertion=") + 10);
  const auto dot2 = jwt.rfind('.');
  EXPECT_TRUE(test_key().verify(jwt.substr(0, dot2), *base64_decode(jwt.substr(dot2 + 1))));

  // After a 401 the caller drops the token: the next call exchanges again.
  source.invalidate();
  EXPECT_EQ(io.run(source.token()), "tok-2");

  // A token that expires within the refresh margin (5 min) is never reused.
  lifetime = 120;
  source.invalidate();
  EXPECT_EQ(io.run(source.token()), "tok-3");
  EXPECT_EQ(io.run(source.token()), "tok-4");
  EXPECT_EQ(source.fetch_count(), 4u);
}

TEST(ServiceAccountTokens, ARefusedKeyIsAQueryErrorWithoutTheSecret) {
  FakeHttpServer server([](const testing::RecordedRequest&) {
    return FakeResponse{400, R"({"error":"invalid_grant","error_description":"Invalid JWT Signature."})"};
  });
  IoThreads io;
  ServiceAccountTokenSource source(key_for(server.url() + "/token"), std::string(pubsub_scope), std::chrono::seconds(5));
  try {
    io.run(source.token());
    FAIL() << "expected QueryError";
  } catch (const infra::QueryError& e) {
    EXPECT_NE(std::string(e.what()).find("invalid_grant"), std::string::npos);
    EXPECT_EQ(std::string(e.what()).find("PRIVATE KEY"), std::string::npos);
  }
}

TEST(MetadataTokens, AskTheMetadataServerWithItsHeader) {
  FakeHttpServer server([](const testing::RecordedRequest&) {
    return FakeResponse{200, R"({"access_token":"meta-1","expires_in":3599,"token_type":"Bearer"})"};
  });
  IoThreads io;
  MetadataTokenSource source(fmt::format("127.0.0.1:{}", server.port()), std::chrono::seconds(5));
  EXPECT_EQ(io.run(source.token()), "meta-1");
  EXPECT_EQ(io.run(source.token()), "meta-1");
  ASSERT_EQ(server.requests().size(), 1u);
  EXPECT_EQ(server.requests()[0].target, "/computeMetadata/v1/instance/service-accounts/default/token");
  EXPECT_EQ(server.requests()[0].metadata_flavor, "Google");
}

}  // namespace
}  // namespace vibework::pubsub
