#include "vibework/auth/email_sender.hpp"

#include "vibework/auth/email_routes.hpp"
#include "vibework/auth/email_token.hpp"
#include "vibework/auth/random_token.hpp"
#include "vibework/auth/signed_cookie.hpp"
#include "vibework/mail/mailer.hpp"

namespace vibework::auth {

namespace {
constexpr std::size_t reset_token_length = 24;  // Better-Auth's generateId(24)
}

EmailSender::EmailSender(const Config& config, mysql::Database& db, VerificationStore& verifications,
                         mail::Mailer* mailer, Clock clock)
    : config_(config), db_(db), verifications_(verifications), mailer_(mailer), clock_(std::move(clock)) {}

std::string EmailSender::base() const {
  std::string url = config_.base_url;
  while (url.ends_with('/')) url.pop_back();
  return url + config_.base_path;
}

std::string EmailSender::verify_email_link(const EmailTokenClaims& claims, const std::string& callback) const {
  const auto token = sign_email_token(claims, config_.signing_secret(), config_.email_verification_expires_in, now_by(clock_));
  return base() + "/verify-email?token=" + token + "&callbackURL=" + encode_uri_component(callback.empty() ? "/" : callback);
}

std::string EmailSender::verification_link(const schema::User& user, const std::string& callback) const {
  return verify_email_link({.email = user.email}, callback);
}

// A mail whose token is the link itself (a JWT): no row beside it.
awaitable<void> EmailSender::send_link_mail(std::string kind, std::string to, std::string name, std::string url) {
  if (mailer_ == nullptr) co_return;
  const mail::TemplateValues values{.name = std::move(name), .url = std::move(url)};
  auto message = mailer_->templates().render(kind, std::move(to), values);
  (void)co_await mailer_->outbox().enqueue(db_, std::move(message));
}

awaitable<void> EmailSender::verification(const schema::User& user, std::string callback) {
  co_await send_link_mail("verify-email", user.email, user.name, verification_link(user, callback));
}

awaitable<void> EmailSender::change_email_confirmation(const schema::User& user, std::string new_email,
                                                       std::string callback) {
  const EmailTokenClaims claims{.email = user.email, .update_to = new_email, .request_type = "change-email-confirmation"};
  co_await send_link_mail("change-email", user.email, user.name, verify_email_link(claims, callback));
}

awaitable<void> EmailSender::change_email_verification(const schema::User& user, std::string new_email,
                                                       std::string callback) {
  const EmailTokenClaims claims{.email = user.email, .update_to = new_email, .request_type = "change-email-verification"};
  co_await send_link_mail("verify-email", std::move(new_email), user.name, verify_email_link(claims, callback));
}

awaitable<void> EmailSender::delete_account(const schema::User& user, std::string callback) {
  if (mailer_ == nullptr) co_return;
  const auto token = random_token(32, TokenAlphabet::lower_case);
  std::string url = base() + "/delete-user/callback?token=" + token;
  if (!callback.empty()) url += "&callbackURL=" + encode_uri_component(callback);
  const mail::TemplateValues values{.name = user.name, .url = std::move(url)};
  auto message = mailer_->templates().render("delete-account", user.email, values);
  auto write = [&](mysql::Transaction& tx) -> awaitable<void> {
    co_await verifications_.create(tx, delete_account_identifier(token), user.id, std::chrono::hours(24));
    (void)co_await mailer_->outbox().enqueue(tx, std::move(message));
  };
  co_await db_.transaction(std::move(write));
}

awaitable<void> EmailSender::password_reset(const schema::User& user, std::string redirect_to) {
  if (mailer_ == nullptr) co_return;
  const auto token = random_token(reset_token_length);
  const mail::TemplateValues values{.name = user.name,
                                    .url = base() + "/reset-password/" + token + "?callbackURL=" +
                                           encode_uri_component(redirect_to)};
  auto mail = mailer_->templates().render("reset-password", user.email, values);
  // The token row and its mail are committed together, or neither.
  auto write = [&](mysql::Transaction& tx) -> awaitable<void> {
    co_await verifications_.create(tx, reset_password_identifier(token), user.id, config_.reset_password_expires_in);
    (void)co_await mailer_->outbox().enqueue(tx, std::move(mail));
  };
  co_await db_.transaction(std::move(write));
}

}  // namespace vibework::auth
