#pragma once
// The email/password routes of Better-Auth's HTTP API: POST sign-up/email, sign-in/email,
// update-user, change-password and delete-user, with the same status codes, cookies and JSON
// as Better-Auth 1.7 (facts file §2.2, §2.3, §2.10, §2.11, §2.14).
#include "vibework/auth/auth_metrics.hpp"
#include "vibework/auth/config.hpp"
#include "vibework/auth/cookie_cache.hpp"
#include "vibework/auth/email_sender.hpp"
#include "vibework/auth/endpoint.hpp"
#include "vibework/auth/origins.hpp"
#include "vibework/auth/password_hasher.hpp"
#include "vibework/auth/session_cookies.hpp"
#include "vibework/auth/session_store.hpp"
#include "vibework/auth/user_store.hpp"
#include "vibework/auth/verification_store.hpp"

namespace vibework::auth {

struct AccountRoutes {
  UserStore& users;
  SessionStore& sessions;
  PasswordHasher& hasher;
  const SessionCookies& cookies;
  const TrustedOrigins& origins;
  const Config& config;  // password limits, rehash, delete-user
  const CookieCache* cookie_cache = nullptr;  // the optional session_data cookie
  EmailSender* sender = nullptr;              // verification mails on sign-up / sign-in, when configured
  VerificationStore* verifications = nullptr;  // delete-user's mailed confirmation tokens
  const UserChangedHooks* user_changed = nullptr;  // told after update-user and delete-user
  const AuthMetrics* metrics = nullptr;  // sign-ins and sign-ups by outcome
};

// Deletes the user with its sessions (and their cache entries) and accounts.
awaitable<void> delete_user_everywhere(UserStore& users, SessionStore& sessions, std::string user_id,
                                       const UserChangedHooks* user_changed);

// The routes capture `routes` by value; everything it refers to must outlive the router.
void register_account_routes(AuthRouter& router, AccountRoutes routes);

}  // namespace vibework::auth
