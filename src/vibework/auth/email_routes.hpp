#pragma once
// The routes behind the mailed links of Better-Auth's email flows (facts file §2.15-2.17):
// GET verify-email (an HS256 JWT), GET reset-password/:token (302 to the callback with the
// token), POST reset-password (the token consumed once). The routes that send the mails
// (POST send-verification-email, request-password-reset) write to the mail outbox through
// EmailSender, answering unknown and known emails alike after the same 500 ms floor.
#include "vibework/auth/config.hpp"
#include "vibework/auth/email_sender.hpp"
#include "vibework/auth/endpoint.hpp"
#include "vibework/auth/origins.hpp"
#include "vibework/auth/password_hasher.hpp"
#include "vibework/auth/session_cookies.hpp"
#include "vibework/auth/session_store.hpp"
#include "vibework/auth/user_store.hpp"
#include "vibework/auth/verification_store.hpp"

namespace vibework::auth {

struct EmailRoutes {
  UserStore& users;
  SessionStore& sessions;
  VerificationStore& verifications;
  PasswordHasher& hasher;
  const SessionCookies& cookies;
  const TrustedOrigins& origins;
  const Config& config;
  EmailSender& sender;  // off (no mailer): send-verification-email and request-password-reset say so
  const UserChangedHooks* user_changed = nullptr;  // told when an email or its verification changes
};

// The identifier of a password-reset row: "reset-password:<token>", as Better-Auth writes it.
std::string reset_password_identifier(std::string_view token);
// A delete-account confirmation row: "delete-account-<token>".
std::string delete_account_identifier(std::string_view token);

// The routes capture `routes` by value; everything it refers to must outlive the router.
void register_email_routes(AuthRouter& router, EmailRoutes routes);

}  // namespace vibework::auth
