#include "vibework/mail/config.hpp"

#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>
#include <fmt/format.h>

namespace vibework::mail {

namespace {
bool has_line_break(std::string_view s) { return s.find_first_of("\r\n") != std::string_view::npos; }

void parse_url(infra::EnvReader& env, Config& c) {
  const std::string example = "smtp://user:password@smtp.example.com:587";
  c.url = env.string("SMTP_URL", c.url);
  auto parsed = boost::urls::parse_uri(c.url);
  if (!parsed) {
    env.problem("SMTP_URL", "is not a valid URL", example);
    return;
  }
  const auto& u = *parsed;
  if (u.scheme() != "smtp" && u.scheme() != "smtps") {
    env.problem("SMTP_URL", "must start with smtp:// or smtps://", example);
    return;
  }
  if (u.host().empty()) {
    env.problem("SMTP_URL", "has no host", example);
    return;
  }
  c.host = u.host();
  const bool implicit = u.scheme() == "smtps";
  c.port = implicit ? 465 : 587;
  if (u.has_port()) {
    if (u.port_number() == 0) {
      env.problem("SMTP_URL", "has an invalid port", example);
      return;
    }
    c.port = u.port_number();
  }
  if (u.has_userinfo()) {
    const std::string user = u.user();  // percent-decoded
    if (!user.empty()) c.username = user;
    if (u.has_password()) c.password = std::string(u.password());
  }
  const auto starttls = env.one_of("SMTP_STARTTLS", "auto", {"auto", "require", "off"});
  if (implicit) {
    c.tls = TlsMode::implicit;
  } else if (starttls == "require" || (starttls == "auto" && c.username)) {
    c.tls = TlsMode::starttls;
  } else {
    c.tls = TlsMode::none;
  }
}
}  // namespace

Config Config::parse(infra::EnvReader& env, const infra::CoreConfig& core) {
  using std::chrono::milliseconds;
  Config c;
  // The defaults are the local Mailpit and a made-up sender: in production mail would queue
  // forever, or be sent from a domain nobody owns.
  if (core.production() && !env.raw("SMTP_URL")) {
    env.problem("SMTP_URL", "is required when APP_ENV=production", "smtp://user:password@smtp.example.com:587");
  }
  if (core.production() && !env.raw("MAIL_FROM")) {
    env.problem("MAIL_FROM", "is required when APP_ENV=production", "My App <no-reply@example.com>");
  }
  parse_url(env, c);
  c.tls_verify = env.boolean("SMTP_TLS_VERIFY", c.tls_verify);
  if (auto from = env.optional_string("MAIL_FROM")) {
    if (auto a = parse_address(*from)) {
      c.from = std::move(*a);
    } else {
      env.problem("MAIL_FROM", "is not an address like 'App <no-reply@example.com>'", "App <no-reply@example.com>");
    }
  }
  c.app_name = env.string("APP_NAME", c.app_name);
  if (has_line_break(c.app_name)) env.problem("APP_NAME", "must be one line", "My App");
  c.templates_dir = env.optional_string("MAIL_TEMPLATES_DIR");

  const milliseconds hour(3'600'000);
  c.connect_timeout = env.milliseconds("SMTP_CONNECT_TIMEOUT_MS", c.connect_timeout, milliseconds(1), milliseconds(600'000));
  c.timeout = env.milliseconds("SMTP_TIMEOUT_MS", c.timeout, milliseconds(1), milliseconds(600'000));
  if (c.timeout < c.connect_timeout) {
    env.problem("SMTP_TIMEOUT_MS", "must not be smaller than SMTP_CONNECT_TIMEOUT_MS (it bounds the whole exchange)",
                "SMTP_TIMEOUT_MS=30000");
  }
  c.retry_min = env.milliseconds("MAIL_RETRY_MIN_MS", c.retry_min, milliseconds(1), 24 * hour);
  c.retry_max = env.milliseconds("MAIL_RETRY_MAX_MS", c.retry_max, milliseconds(1), 24 * hour);
  if (c.retry_max < c.retry_min) {
    env.problem("MAIL_RETRY_MAX_MS", "must not be smaller than MAIL_RETRY_MIN_MS", "MAIL_RETRY_MAX_MS=600000");
  }
  c.poll_interval = env.milliseconds("MAIL_POLL_INTERVAL_MS", c.poll_interval, milliseconds(10), hour);
  c.batch_size = static_cast<std::size_t>(env.integer("MAIL_BATCH_SIZE", static_cast<std::int64_t>(c.batch_size), 1, 1000));
  c.lease = env.milliseconds("MAIL_LEASE_MS", c.lease, milliseconds(1'000), 24 * hour);
  // A lease that runs out while its batch is still being sent lets another instance send it too.
  if (c.lease < c.timeout * static_cast<long>(c.batch_size)) {
    env.problem("MAIL_LEASE_MS",
                fmt::format("must be at least SMTP_TIMEOUT_MS x MAIL_BATCH_SIZE ({} ms)",
                            (c.timeout * static_cast<long>(c.batch_size)).count()),
                "MAIL_LEASE_MS=600000");
  }
  c.keep_sent = std::chrono::hours(env.integer("MAIL_KEEP_SENT_HOURS", c.keep_sent.count(), 1, 24 * 3650));
  return c;
}

std::string Config::describe() const {
  const char* tls_name = tls == TlsMode::implicit ? "tls" : tls == TlsMode::starttls ? "starttls" : "plain";
  return fmt::format("MAIL smtp={} ({}{}{}) from={}", address(), tls_name, username ? ", user " + *username : "",
                     password ? ", password ***" : "", from.email);
}

}  // namespace vibework::mail
