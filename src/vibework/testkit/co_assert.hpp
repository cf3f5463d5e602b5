#pragma once
// ASSERT_TRUE for test coroutines (awaitable<void>). gtest's ASSERT_* end the function with
// `return`, which a coroutine cannot use; this ends it with `co_return` instead, so a missing
// value stops the test body rather than being dereferenced:
//
//   auto found = co_await users.find("u-1");
//   CO_ASSERT_TRUE(found.has_value()) << "u-1 was inserted above";
//   EXPECT_EQ(found->name, "Ada");
//
// Like ASSERT_TRUE it returns from the enclosing coroutine only, not from the TEST body.
#include <gtest/gtest.h>

#define VIBEWORK_CO_FATAL_FAILURE_(message) co_return GTEST_MESSAGE_(message, ::testing::TestPartResult::kFatalFailure)
#define CO_ASSERT_TRUE(condition) \
  GTEST_TEST_BOOLEAN_(condition, #condition, false, true, VIBEWORK_CO_FATAL_FAILURE_)
