// Body reading and validation answers as Better-Auth's router gives them (facts file §1.2).
#include <gtest/gtest.h>

#include "vibework/auth/request_body.hpp"
#include "vibework/http/http_error.hpp"

namespace vibework::auth {
namespace {

http::Request request(std::string content_type, std::string body) {
  http::Request req;
  req.message.method(http::Verb::post);
  if (!content_type.empty()) req.message.set("Content-Type", content_type);
  req.message.body() = std::move(body);
  return req;
}

// The HttpError a call throws, as "status code: message".
template <class F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const http::HttpError& e) {
    return std::to_string(static_cast<int>(e.status())) + " " + e.code() + ": " + e.what();
  }
  return "no error";
}

TEST(RequestBody, ReadsJsonAndJsonSuffixTypes) {
  EXPECT_EQ(read_body(request("application/json; charset=utf-8", R"({"a":1})")).at("a").as_int64(), 1);
  EXPECT_EQ(read_body(request("application/vnd.api+json", R"({"a":2})")).at("a").as_int64(), 2);
  EXPECT_TRUE(read_body(request("", "")).empty());  // no body: no media-type check
}

TEST(RequestBody, RefusesOtherMediaTypesWith415) {
  EXPECT_EQ(error_of([] { read_body(request("text/plain", "x")); }),
            "415 UNSUPPORTED_MEDIA_TYPE: Content-Type \"text/plain\" is not allowed. Allowed types: application/json");
  EXPECT_EQ(error_of([] { read_body(request("", "x")); }),
            "415 UNSUPPORTED_MEDIA_TYPE: Content-Type is required. Allowed types: application/json");
  EXPECT_EQ(error_of([] { read_body(request("application/x-www-form-urlencoded", "a=1")); }).substr(0, 3), "415");
}

TEST(RequestBody, MalformedJsonIsBadRequest) {
  EXPECT_EQ(error_of([] { read_body(request("application/json", "{")); }),
            "400 BAD_REQUEST: Invalid JSON in request body");
  EXPECT_EQ(error_of([] { read_body(request("application/json", "[1]")); }),
            "400 VALIDATION_ERROR: [body] Invalid input: expected object, received array");
}

TEST(RequestBody, ARequiredBodyMustBeThere) {
  EXPECT_EQ(error_of([] { read_body(request("application/json", ""), required_body); }),
            "400 VALIDATION_ERROR: [body] Invalid input: expected object, received undefined");
  EXPECT_EQ(error_of([] { read_body(request("application/json", "[1]"), BodyRules{.shape = "record"}); }),
            "400 VALIDATION_ERROR: [body] Invalid input: expected record, received array");
  EXPECT_EQ(error_of([] { read_body(request("text/plain", "x"), sign_in_body); }),
            "415 UNSUPPORTED_MEDIA_TYPE: Content-Type \"text/plain\" is not allowed. Allowed types: "
            "application/x-www-form-urlencoded, application/json");
  const auto json = read_body(request("application/json", R"({"rememberMe":"false"})"));
  BodyFields fields(json);
  EXPECT_EQ(fields.optional_bool("rememberMe"), std::nullopt) << "in JSON, a string is no boolean";
  EXPECT_EQ(error_of([&] { fields.finish(); }),
            "400 VALIDATION_ERROR: [body.rememberMe] Invalid input: expected boolean, received string");
}

TEST(RequestBody, FormBodiesDecodeWhereAccepted) {
  auto body = read_body(request("application/x-www-form-urlencoded", "email=a%40b.test&name=Ada+L&rememberMe=false"),
                        sign_in_body);
  EXPECT_EQ(body.at("email").as_string(), "a@b.test");
  EXPECT_EQ(body.at("name").as_string(), "Ada L");
  BodyFields fields(body);
  EXPECT_EQ(fields.optional_bool("rememberMe"), false);
  fields.finish();
}

TEST(BodyFields, CollectsEveryIssueAsZodWordsThem) {
  boost::json::object body{{"email", 5}, {"rememberMe", "yes"}, {"image", nullptr}};
  BodyFields fields(body);
  EXPECT_EQ(fields.required_string("email"), "");
  EXPECT_EQ(fields.required_string("password"), "");
  EXPECT_EQ(fields.optional_bool("rememberMe"), std::nullopt);
  EXPECT_EQ(fields.optional_string("image"), std::nullopt);
  EXPECT_EQ(fields.optional_string("callbackURL"), std::nullopt);  // absent optional: fine
  EXPECT_EQ(error_of([&] { fields.finish(); }),
            "400 VALIDATION_ERROR: [body.email] Invalid input: expected string, received number; "
            "[body.password] Invalid input: expected string, received undefined; "
            "[body.rememberMe] Invalid input: expected boolean, received string; "
            "[body.image] Invalid input: expected string, received null");
}

TEST(BodyFields, NoIssuesNoError) {
  boost::json::object body{{"email", "a@b.test"}};
  BodyFields fields(body);
  EXPECT_EQ(fields.required_string("email"), "a@b.test");
  EXPECT_NO_THROW(fields.finish());
}

}  // namespace
}  // namespace vibework::auth
