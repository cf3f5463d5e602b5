#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace vibework::mail {

// A mailbox: `Ada <ada@example.com>` or `ada@example.com`.
struct Address {
  std::string name;   // display name, may be empty (UTF-8)
  std::string email;  // addr-spec
  std::string domain() const { return email.substr(email.rfind('@') + 1); }
};
// Parses a mailbox; nullopt when there is no plausible addr-spec (or a CR/LF anywhere).
std::optional<Address> parse_address(std::string_view text);

}  // namespace vibework::mail
