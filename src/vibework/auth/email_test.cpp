// Email normalization and validation as Better-Auth (zod 4) does them.
#include <gtest/gtest.h>

#include "vibework/auth/email.hpp"

namespace vibework::auth {
namespace {

TEST(Email, LowerCasedWithoutTrimmingOrUnicodeFolding) {
  EXPECT_EQ(normalize_email("Ada.Lovelace@Example.COM"), "ada.lovelace@example.com");
  EXPECT_EQ(normalize_email(" A@B.co"), " a@b.co");
  EXPECT_EQ(normalize_email("\xC3\x89@b.co"), "\xC3\x89@b.co");  // "É" stays as it is
}

TEST(Email, ThePracticalRule) {
  for (const char* ok : {"a@b.co", "first.last+tag@mail.example.org", "o'brien@example.ie", "a_b-c@x-y.io"}) {
    EXPECT_TRUE(is_valid_email(ok)) << ok;
  }
  for (const char* bad : {"", "plain", "@example.com", "a@", ".a@b.co", "a..b@c.co", "a.@b.co", "a@b.c",
                          "a@[127.0.0.1]", "a@127.0.0.1", "a b@c.co", "a@-b.co", "\xC3\xA9@b.co"}) {
    EXPECT_FALSE(is_valid_email(bad)) << bad;
  }
  EXPECT_FALSE(is_valid_email(std::string(250, 'a') + "@b.co")) << "longer than any address";
}

}  // namespace
}  // namespace vibework::auth
