#pragma once
// Templates: subject, plain-text and HTML bodies per mail kind, with {{name}}, {{app_name}} and
// {{url}} filled in (HTML-escaped in the HTML body). Built-in defaults for verify-email,
// reset-password, change-email and delete-account; a team overrides any of them with files in
// MAIL_TEMPLATES_DIR: <kind>.subject, <kind>.txt, <kind>.html (each file optional).
//
//   mail::Templates templates(config);                       // reads the files once
//   mail::Mail m = templates.render("verify-email", "ada@example.com", {.name = "Ada", .url = link});
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "vibework/mail/config.hpp"
#include "vibework/mail/mail_message.hpp"

namespace vibework::mail {

struct TemplateValues {
  std::string name;  // {{name}}: the user's name
  std::string url;   // {{url}}: the link the mail is about
};

struct Template {
  std::string subject;
  std::string text;
  std::string html;
};

// The kinds with built-in defaults.
std::vector<std::string> builtin_kinds();

// Replaces {{key}} (spaces inside the braces allowed) by values[key]; unknown keys stay as they
// are. `html`: values are HTML-escaped.
std::string fill(std::string_view text, const std::map<std::string, std::string>& values, bool html);

class Templates {
 public:
  // Loads the defaults, then the files in config.templates_dir. Throws ConfigError naming the
  // file for an unreadable file, an unknown placeholder or a directory that does not exist.
  explicit Templates(const Config& config);

  // Throws InvalidArgumentError for a kind without a template.
  Mail render(std::string_view kind, std::string to, const TemplateValues& values) const;

  const Template& get(std::string_view kind) const;

 private:
  std::string app_name_;
  std::map<std::string, Template, std::less<>> templates_;
};

}  // namespace vibework::mail
