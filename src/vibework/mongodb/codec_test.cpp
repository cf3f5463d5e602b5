#include "vibework/mongodb/codec.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <bson/bson.h>

#include <boost/describe/class.hpp>
#include <boost/describe/enum.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "vibework/models/notification.hpp"

namespace vibework::mongodb {
namespace {

using ::testing::HasSubstr;

enum class Colour { red, dark_blue };
BOOST_DESCRIBE_ENUM(Colour, red, dark_blue)

struct Inner {
  std::string label{};
  std::int32_t weight = 0;
  bool operator==(const Inner&) const = default;
};
BOOST_DESCRIBE_STRUCT(Inner, (), (label, weight))

struct Everything {
  ObjectId id{};
  std::string text{};
  std::int32_t small = 0;
  std::int64_t big = 0;
  std::uint16_t tiny = 0;
  double ratio = 0;
  bool flag = false;
  std::optional<std::string> present{};
  std::optional<std::string> absent{};
  std::vector<std::int32_t> numbers{};
  std::vector<Inner> items{};
  Inner inner{};
  TimePoint when{};
  boost::json::value free{};
  Colour colour = Colour::red;
  std::optional<std::vector<std::string>> tags{};
  bool operator==(const Everything&) const = default;
};
BOOST_DESCRIBE_STRUCT(Everything, (),
                      (id, text, small, big, tiny, ratio, flag, present, absent, numbers, items, inner, when, free,
                       colour, tags))

Everything sample() {
  Everything e;
  e.id = ObjectId::generate();
  e.text = "héllo \"world\"";
  e.small = -42;
  e.big = 9'007'199'254'740'993LL;
  e.tiny = 65535;
  e.ratio = 0.125;
  e.flag = true;
  e.present = "here";
  e.numbers = {1, 2, 3};
  e.items = {{"a", 1}, {"b", 2}};
  e.inner = {"in", 7};
  e.when = TimePoint(std::chrono::milliseconds(1'764'388'960'123));
  e.free = boost::json::parse(R"({"k":[1,2.5,"x",null,true,{"deep":{"er":-1}}],"n":null})");
  e.colour = Colour::dark_blue;
  e.tags = std::vector<std::string>{"x", "y"};
  return e;
}

bson_type_t type_of(const Document& d, const char* key) {
  bson_iter_t it;
  if (!bson_iter_init_find(&it, d.get(), key)) return BSON_TYPE_EOD;
  return bson_iter_type(&it);
}

TEST(WireName, CamelCaseAndId) {
  EXPECT_EQ(wire_name("id"), "_id");
  EXPECT_EQ(wire_name("user_id"), "userId");
  EXPECT_EQ(wire_name("created_at"), "createdAt");
  EXPECT_EQ(wire_name("read"), "read");
  EXPECT_EQ(wire_name("a_b_c"), "aBC");
  EXPECT_EQ(wire_name("_v"), "_v");  // leading underscores are kept (infra::describe::to_camel_case)
}

TEST(Codec, EncodesWireNamesAndBsonTypes) {
  const Document d = encode(sample());
  EXPECT_EQ(type_of(d, "_id"), BSON_TYPE_OID);
  EXPECT_EQ(type_of(d, "text"), BSON_TYPE_UTF8);
  EXPECT_EQ(type_of(d, "small"), BSON_TYPE_INT32);
  EXPECT_EQ(type_of(d, "big"), BSON_TYPE_INT64);
  EXPECT_EQ(type_of(d, "tiny"), BSON_TYPE_INT32);
  EXPECT_EQ(type_of(d, "ratio"), BSON_TYPE_DOUBLE);
  EXPECT_EQ(type_of(d, "flag"), BSON_TYPE_BOOL);
  EXPECT_EQ(type_of(d, "present"), BSON_TYPE_UTF8);
  EXPECT_EQ(type_of(d, "absent"), BSON_TYPE_EOD) << "an empty optional is an absent field, not null";
  EXPECT_EQ(type_of(d, "numbers"), BSON_TYPE_ARRAY);
  EXPECT_EQ(type_of(d, "items"), BSON_TYPE_ARRAY);
  EXPECT_EQ(type_of(d, "inner"), BSON_TYPE_DOCUMENT);
  EXPECT_EQ(type_of(d, "when"), BSON_TYPE_DATE_TIME);
  EXPECT_EQ(type_of(d, "free"), BSON_TYPE_DOCUMENT);
  EXPECT_EQ(type_of(d, "colour"), BSON_TYPE_UTF8);
  EXPECT_THAT(d.to_json(), HasSubstr(R"("colour" : "dark_blue")"));
}

TEST(Codec, RoundTripsEveryType) {
  const Everything original = sample();
  const Document d = encode(original);
  const Everything back = decode<Everything>(d.get(), "things");
  EXPECT_EQ(back, original);
  EXPECT_EQ(boost::json::serialize(back.free), boost::json::serialize(original.free));
}

// A JSON key BSON cannot hold (it has a NUL byte) is refused, nested or not: before, the value
// was silently dropped, and inside a nested object libbson aborted the process.
TEST(Codec, FreeJsonWithANulInAKeyIsRefused) {
  for (const char* json : {R"({"a\u0000b":1})", R"({"a\u0000b":{"x":1}})", R"({"k":[{"x\u0000":[1]}]})"}) {
    Everything e = sample();
    e.free = boost::json::parse(json);
    try {
      (void)encode(e);
      ADD_FAILURE() << json << " was encoded";
    } catch (const infra::InvalidArgumentError& error) {
      EXPECT_THAT(error.message(), HasSubstr("NUL")) << json;
    }
  }
}

TEST(Codec, NotificationUsesTheOriginalFieldNames) {
  models::NotificationDocument n;
  n.user_id = "u1";
  n.type = models::NotificationType::info;
  const std::string json = encode(n).to_json();
  for (const char* key : {"\"_id\"", "\"userId\"", "\"type\" : \"info\"", "\"title\"", "\"message\"", "\"read\" : false",
                          "\"createdAt\"", "\"updatedAt\""}) {
    EXPECT_THAT(json, HasSubstr(key));
  }
  EXPECT_THAT(json, ::testing::Not(HasSubstr("\"data\""))) << "data is optional: absent when unset";
}

template <typename T>
DocumentDecodeError decode_error(std::string_view json) {
  const Document d = Document::from_json(json);
  try {
    (void)decode<T>(d.get(), "things");
  } catch (const DocumentDecodeError& e) {
    return e;
  }
  ADD_FAILURE() << "no DocumentDecodeError for " << json;
  return DocumentDecodeError("", "", "", "");
}

TEST(Codec, WrongTypeNamesCollectionIdAndField) {
  auto e = decode_error<Inner>(R"({"_id": {"$oid": "65a1f0c2e4b0a1b2c3d4e5f6"}, "label": 5, "weight": 1})");
  EXPECT_EQ(e.collection(), "things");
  EXPECT_EQ(e.id(), "65a1f0c2e4b0a1b2c3d4e5f6");
  EXPECT_EQ(e.field(), "label");
  EXPECT_THAT(e.what(), HasSubstr("is an int32, expected string"));
  EXPECT_THAT(e.what(), HasSubstr("things"));
  EXPECT_EQ(e.kind(), infra::ErrorKind::protocol);
}

TEST(Codec, MissingRequiredFieldIsNamed) {
  auto e = decode_error<Inner>(R"({"_id": "custom", "weight": 1})");
  EXPECT_EQ(e.field(), "label");
  EXPECT_EQ(e.id(), "'custom'");
  EXPECT_THAT(e.what(), HasSubstr("is missing"));
}

TEST(Codec, NestedFieldErrorHasAPath) {
  Document d = encode(sample());
  // Re-encode `items` with a bad element: {label: "a", weight: "heavy"}.
  std::string json = d.to_json();
  const auto pos = json.find(R"("weight" : 2)");
  ASSERT_NE(pos, std::string::npos) << json;
  json.replace(pos, 12, R"("weight" : "heavy")");
  const Document bad = Document::from_json(json);
  try {
    (void)decode<Everything>(bad.get(), "things");
    FAIL() << "expected a decode error";
  } catch (const DocumentDecodeError& e) {
    EXPECT_EQ(e.field(), "items.1.weight");
  }
}

TEST(Codec, UnknownEnumValueIsNamed) {
  auto e = decode_error<models::NotificationDocument>(
      R"({"_id": {"$oid": "65a1f0c2e4b0a1b2c3d4e5f6"}, "userId": "u", "type": "sms", "title": "t", "message": "m",
          "read": false, "createdAt": {"$date": 0}, "updatedAt": {"$date": 0}})");
  EXPECT_EQ(e.field(), "type");
  EXPECT_THAT(e.what(), HasSubstr("unknown value 'sms'"));
  EXPECT_THAT(e.what(), HasSubstr("info|success|warning|error|system"));
}

TEST(Codec, IntegersAcceptWholeDoublesFromJavaScript) {
  const Inner in = decode<Inner>(Document::from_json(R"({"label": "x", "weight": 3.0})").get(), "things");
  EXPECT_EQ(in.weight, 3);
  auto e = decode_error<Inner>(R"({"label": "x", "weight": 3.5})");
  EXPECT_EQ(e.field(), "weight");
  auto range = decode_error<Inner>(R"({"label": "x", "weight": {"$numberLong": "9000000000"}})");
  EXPECT_THAT(range.what(), HasSubstr("out of range"));
}

TEST(Codec, NullReadsAsAbsentOptional) {
  Everything e = sample();
  Document d = encode(e);
  std::string json = d.to_json();
  json.replace(json.find(R"("present" : "here")"), 18, R"("present" : null)");
  EXPECT_FALSE(decode<Everything>(Document::from_json(json).get(), "things").present.has_value());
}

}  // namespace
}  // namespace vibework::mongodb

#include "vibework/mongodb/json_form.hpp"

namespace vibework::mongodb {
namespace {

TEST(JsonForm, UsesWireNamesAndTextForms) {
  models::NotificationDocument n;
  n.id = ObjectId::from_string("65a1f0c2e4b0a1b2c3d4e5f6");
  n.user_id = "u1";
  n.type = models::NotificationType::info;
  n.title = "Hi";
  n.created_at = TimePoint(std::chrono::milliseconds(1'764'388'960'123));
  const auto json = boost::json::serialize(to_json(n));
  EXPECT_THAT(json, HasSubstr(R"("_id":"65a1f0c2e4b0a1b2c3d4e5f6")"));
  EXPECT_THAT(json, HasSubstr(R"("userId":"u1")"));
  EXPECT_THAT(json, HasSubstr(R"("type":"info")"));
  EXPECT_THAT(json, HasSubstr(R"("read":false)"));
  EXPECT_THAT(json, HasSubstr(R"("createdAt":"2025-11-29T04:02:40.123Z")"));
  EXPECT_THAT(json, ::testing::Not(HasSubstr("data"))) << "empty optionals are left out";
}

}  // namespace
}  // namespace vibework::mongodb
