// The shared reflection traits and the one snake_case -> camelCase rule.
#include <optional>
#include <string>

#include <boost/describe/class.hpp>
#include <gtest/gtest.h>

#include "vibework/infra/describe/names.hpp"
#include "vibework/infra/describe/traits.hpp"

namespace {

namespace d = vibework::infra::describe;

struct Row {
  int id = 0;
  std::optional<std::string> image;
  double score = 0;
  int hidden = 0;  // not described
};
BOOST_DESCRIBE_STRUCT(Row, (), (id, image, score))

TEST(DescribeTraits, OptionalAndMemberTypes) {
  static_assert(d::is_optional_v<std::optional<int>>);
  static_assert(!d::is_optional_v<int>);
  static_assert(std::is_same_v<d::unwrap_optional_t<std::optional<std::string>>, std::string>);
  static_assert(std::is_same_v<d::unwrap_optional_t<int>, int>);
  static_assert(std::is_same_v<d::member_traits<decltype(&Row::image)>::owner, Row>);
  static_assert(std::is_same_v<d::member_traits<decltype(&Row::image)>::value, std::optional<std::string>>);
}

TEST(DescribeTraits, MembersInDeclarationOrder) {
  static_assert(d::member_count<Row> == 3);
  static_assert(d::member_index<Row, &Row::id>() == 0);
  static_assert(d::member_index<Row, &Row::image>() == 1);
  static_assert(d::member_index<Row, &Row::score>() == 2);
  static_assert(d::member_index<Row, &Row::hidden>() == d::no_member);
}

TEST(DescribeNames, SnakeCaseToCamelCase) {
  // The names Better-Auth's camelCase schema and Mongoose documents use.
  EXPECT_EQ(d::to_camel_case("email_verified"), "emailVerified");
  EXPECT_EQ(d::to_camel_case("access_token_expires_at"), "accessTokenExpiresAt");
  EXPECT_EQ(d::to_camel_case("user_id"), "userId");
  EXPECT_EQ(d::to_camel_case("id"), "id");
  EXPECT_EQ(d::to_camel_case("a_b_c"), "aBC");
  EXPECT_EQ(d::to_camel_case("a__b"), "aB");
  EXPECT_EQ(d::to_camel_case("address_2"), "address2");
  EXPECT_EQ(d::to_camel_case("already_Upper"), "alreadyUpper");
  EXPECT_EQ(d::to_camel_case(""), "");
}

TEST(DescribeNames, LeadingUnderscoresAreKeptTrailingOnesDropped) {
  EXPECT_EQ(d::to_camel_case("_id"), "_id");  // MongoDB's key
  EXPECT_EQ(d::to_camel_case("__v"), "__v");  // Mongoose's version key
  EXPECT_EQ(d::to_camel_case("_created_at"), "_createdAt");
  EXPECT_EQ(d::to_camel_case("_"), "_");
  EXPECT_EQ(d::to_camel_case("default_"), "default");
}

}  // namespace
