#pragma once
// EmailSender: the auth mails (verify your email, reset your password), each written to the mail
// outbox — in the same transaction as its token row where there is one — so a request never waits
// on SMTP and an SMTP outage delays mail without losing it. Without a mailer the flows are off,
// and their routes answer as Better-Auth without a sender configured.
//
//   co_await sender.verification(user, "/dashboard");          // a JWT link to verify-email
//   co_await sender.password_reset(user, "/reset");            // a reset-password:<token> row + link
#include <string>

#include "vibework/auth/config.hpp"
#include "vibework/auth/email_token.hpp"
#include "vibework/auth/session_policy.hpp"
#include "vibework/auth/verification_store.hpp"
#include "vibework/infra/asio.hpp"
#include "vibework/mysql/database.hpp"
#include "vibework/schema/user.hpp"

namespace vibework::mail {
class Mailer;
}

namespace vibework::auth {

class EmailSender {
 public:
  EmailSender(const Config& config, mysql::Database& db, VerificationStore& verifications, mail::Mailer* mailer,
              Clock clock = {});

  bool enabled() const noexcept { return mailer_ != nullptr; }

  // ${AUTH_URL}${base}/verify-email?token=<jwt>&callbackURL=<callback or "/">, mailed to the user.
  awaitable<void> verification(const schema::User& user, std::string callback);
  // A 24-character token stored as reset-password:<token> -> user id (AUTH_RESET_PASSWORD_EXPIRES_IN),
  // and the link ${AUTH_URL}${base}/reset-password/<token>?callbackURL=<redirectTo>, in one transaction.
  awaitable<void> password_reset(const schema::User& user, std::string redirect_to);

  // change-email, a verified user with confirmation on: a change-email-confirmation JWT
  // {email: old, updateTo: new} mailed to the OLD address.
  awaitable<void> change_email_confirmation(const schema::User& user, std::string new_email, std::string callback);
  // change-email otherwise (and after the confirmation): a change-email-verification JWT mailed
  // to the NEW address; following it moves the account.
  awaitable<void> change_email_verification(const schema::User& user, std::string new_email, std::string callback);
  // delete-user with confirmation: a delete-account-<32 [a-z0-9]> row -> user id (1 day) and the
  // link ${base}/delete-user/callback?token=...&callbackURL=..., in one transaction.
  awaitable<void> delete_account(const schema::User& user, std::string callback);

  // The link a verification mail carries (tests read it back from the mail).
  std::string verification_link(const schema::User& user, const std::string& callback) const;

 private:
  std::string verify_email_link(const EmailTokenClaims& claims, const std::string& callback) const;
  awaitable<void> send_link_mail(std::string kind, std::string to, std::string name, std::string url);
  std::string base() const;  // AUTH_URL + AUTH_BASE_PATH

  const Config& config_;
  mysql::Database& db_;
  VerificationStore& verifications_;
  mail::Mailer* mailer_;
  Clock clock_;
};

}  // namespace vibework::auth
