#include "vibework/mongodb/object_id.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/json/value.hpp>

#include "vibework/infra/errors.hpp"

namespace vibework::mongodb {
namespace {

TEST(ObjectId, ParsesAndPrints) {
  const auto id = ObjectId::parse("65a1f0c2e4b0a1b2c3d4e5f6");
  ASSERT_TRUE(id.has_value());
  EXPECT_EQ(id->to_string(), "65a1f0c2e4b0a1b2c3d4e5f6");
  EXPECT_EQ(ObjectId::parse("65A1F0C2E4B0A1B2C3D4E5F6")->to_string(), "65a1f0c2e4b0a1b2c3d4e5f6");
}

TEST(ObjectId, RejectsMalformedText) {
  for (const char* bad : {"", "123", "65a1f0c2e4b0a1b2c3d4e5fz", "65a1f0c2e4b0a1b2c3d4e5f6a", "not-an-id-not-an-id-1234",
                          "65a1f0c2e4b0a1b2c3d4e5f "}) {
    EXPECT_FALSE(ObjectId::parse(bad).has_value()) << bad;
  }
}

TEST(ObjectId, FromStringThrowsAClientError) {
  try {
    (void)ObjectId::from_string("abc");
    FAIL();
  } catch (const infra::InvalidArgumentError& e) {
    EXPECT_THAT(e.what(), ::testing::HasSubstr("'abc' is not a valid ObjectId"));
    EXPECT_EQ(e.service(), "mongodb");
  }
}

TEST(ObjectId, GeneratesDistinctIdsWithATimestamp) {
  const auto a = ObjectId::generate();
  const auto b = ObjectId::generate();
  EXPECT_NE(a, b);
  EXPECT_FALSE(a.is_null());
  EXPECT_TRUE(ObjectId().is_null());
  const auto age = std::chrono::system_clock::now() - a.timestamp();
  EXPECT_LT(std::chrono::abs(age), std::chrono::minutes(1));
}

TEST(ObjectId, JsonIsTheHexString) {
  const auto id = ObjectId::generate();
  const boost::json::value v = boost::json::value_from(id);
  EXPECT_EQ(v.as_string(), id.to_string());
  EXPECT_EQ(boost::json::value_to<ObjectId>(v), id);
  EXPECT_THROW(boost::json::value_to<ObjectId>(boost::json::value("zz")), infra::InvalidArgumentError);
}

}  // namespace
}  // namespace vibework::mongodb
