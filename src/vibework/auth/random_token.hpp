#pragma once
// Session tokens and ids as Better-Auth generates them: `length` characters of [A-Za-z0-9] from
// the system CSPRNG, by rejection sampling (no modulo bias).
#include <cstddef>
#include <string>

namespace vibework::auth {

inline constexpr std::size_t session_token_length = 32;

enum class TokenAlphabet { mixed_case, lower_case };  // [A-Za-z0-9] or [a-z0-9]

std::string random_token(std::size_t length = session_token_length, TokenAlphabet alphabet = TokenAlphabet::mixed_case);

}  // namespace vibework::auth
