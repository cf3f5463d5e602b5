#pragma once
// Better-Auth's email-verification tokens (facts file §2.13): HS256 JWTs, header {"alg":"HS256"},
// claims {email, updateTo?, requestType?, iat, exp}, keyed with the UTF-8 secret, so a link
// minted by a Node Better-Auth app sharing the secret verifies here, and back.
//
//   auto jwt = auth::sign_email_token({.email = user.email}, secret, 3600s, now);
//   auto checked = auth::verify_email_token(jwt, config.secrets, now);
//   if (checked.expired) ... TOKEN_EXPIRED;  if (!checked.claims) ... INVALID_TOKEN
#include <chrono>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "vibework/auth/session_policy.hpp"

namespace vibework::auth {

struct EmailTokenClaims {
  std::string email;                        // lower-case
  std::optional<std::string> update_to{};   // change-email: the new address
  std::optional<std::string> request_type{};  // "change-email-confirmation" / "change-email-verification"
};

std::string sign_email_token(const EmailTokenClaims& claims, std::string_view secret, std::chrono::seconds expires_in,
                             TimePoint now);

struct EmailTokenCheck {
  std::optional<EmailTokenClaims> claims;  // set when the token is valid and unexpired
  bool expired = false;                    // well signed, but past its exp
};

// Any of `secrets` may have signed it (rotation); the algorithm must be HS256.
EmailTokenCheck verify_email_token(std::string_view token, std::span<const std::string> secrets, TimePoint now);

}  // namespace vibework::auth
