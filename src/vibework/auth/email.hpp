#pragma once
// Emails as Better-Auth 1.7 treats them (facts file §8.1): lower-cased (ASCII only, no
// trimming, no Unicode normalization) everywhere they are stored or looked up, and validated
// with zod 4's "practical" rule: ASCII, no leading dot, no "..", a TLD of 2+ letters, no IP.
#include <string>
#include <string_view>

namespace vibework::auth {

std::string normalize_email(std::string_view email);  // JavaScript's toLowerCase() on ASCII
bool is_valid_email(std::string_view email);

}  // namespace vibework::auth
