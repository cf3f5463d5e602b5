#pragma once
// Member names -> the names other tools give the same data: one rule for every connector.
#include <string>
#include <string_view>

namespace vibework::infra::describe {

// snake_case -> camelCase, the spelling of Better-Auth's camelCase MySQL columns (Kysely,
// Prisma) and of Mongoose field names:
//   user_id -> userId, access_token_expires_at -> accessTokenExpiresAt, id -> id.
// An underscore between words is dropped and the ASCII letter after it upper-cased (a__b -> aB,
// address_2 -> address2). Leading underscores are kept: they are part of names such as
// MongoDB's _id and Mongoose's __v, so `_id` stays `_id` and maps back to the same member.
// Trailing underscores, the C++ spelling of a keyword (`default_`), are dropped.
std::string to_camel_case(std::string_view snake_case);

}  // namespace vibework::infra::describe
