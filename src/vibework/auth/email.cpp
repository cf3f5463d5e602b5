#include "vibework/auth/email.hpp"

#include <regex>

#include "vibework/auth/text.hpp"

namespace vibework::auth {

std::string normalize_email(std::string_view email) { return ascii_lower(email); }

bool is_valid_email(std::string_view email) {
  // zod 4's z.email(); ECMAScript syntax, as zod runs it.
  static const std::regex practical(
      R"(^(?!\.)(?!.*\.\.)([A-Za-z0-9_'+\-\.]*)[A-Za-z0-9_+-]@([A-Za-z0-9][A-Za-z0-9\-]*\.)+[A-Za-z]{2,}$)");
  // Bounded first: std::regex backtracks, and an address is at most 254 characters anyway.
  return email.size() <= 254 && std::regex_match(email.begin(), email.end(), practical);
}

}  // namespace vibework::auth
