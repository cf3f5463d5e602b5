#include "vibework/mail/templates.hpp"

#include <filesystem>
#include <fstream>

#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "vibework/infra/errors.hpp"

using namespace vibework;
using testing::HasSubstr;
using testing::Not;

namespace {
class TempDir {
 public:
  TempDir() : path_(std::filesystem::temp_directory_path() / ("vibework-mail-templates-" + std::to_string(::getpid()))) {
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  void write(const std::string& name, const std::string& text) const { std::ofstream(path_ / name) << text; }
  std::string str() const { return path_.string(); }

 private:
  std::filesystem::path path_;
};

mail::Config config_with(std::optional<std::string> dir) {
  mail::Config c;
  c.app_name = "Acme & Co";
  c.templates_dir = std::move(dir);
  return c;
}
}  // namespace

TEST(MailTemplates, EveryBuiltInKindHasAllThreeParts) {
  const mail::Templates t(config_with(std::nullopt));
  EXPECT_THAT(mail::builtin_kinds(), testing::UnorderedElementsAre("verify-email", "reset-password", "change-email", "delete-account"));
  for (const auto& kind : mail::builtin_kinds()) {
    const auto m = t.render(kind, "ada@example.com", {"Ada", "https://app.test/x?token=abc&cb=/"});
    EXPECT_EQ(m.kind, kind);
    EXPECT_EQ(m.to, "ada@example.com");
    EXPECT_THAT(m.subject, HasSubstr("Acme & Co")) << kind;
    EXPECT_THAT(m.text, HasSubstr("Hello Ada,")) << kind;
    EXPECT_THAT(m.text, HasSubstr("https://app.test/x?token=abc&cb=/")) << kind;
    EXPECT_THAT(m.html, HasSubstr("href=\"https://app.test/x?token=abc&amp;cb=/\"")) << kind;
    EXPECT_THAT(m.html, HasSubstr("Acme &amp; Co")) << kind;
    EXPECT_THAT(m.text + m.html + m.subject, Not(HasSubstr("{{"))) << kind;
  }
}

TEST(MailTemplates, ValuesAreHtmlEscapedInTheHtmlBodyOnly) {
  const mail::Templates t(config_with(std::nullopt));
  const auto m = t.render("verify-email", "x@example.com", {"<script>alert('x')</script>", "https://a.test/"});
  EXPECT_THAT(m.html, HasSubstr("Hello &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;,"));
  EXPECT_THAT(m.html, Not(HasSubstr("<script>")));
  EXPECT_THAT(m.text, HasSubstr("Hello <script>alert('x')</script>,"));
}

TEST(MailTemplates, FillLeavesUnknownKeysAndAllowsSpaces) {
  EXPECT_EQ(mail::fill("{{ name }} {{other}} {{name}}", {{"name", "A&B"}}, false), "A&B {{other}} A&B");
  EXPECT_EQ(mail::fill("{{name}}", {{"name", "A&B"}}, true), "A&amp;B");
  EXPECT_EQ(mail::fill("no end {{name", {{"name", "x"}}, false), "no end {{name");
}

TEST(MailTemplates, FilesOverrideThePartsTheyName) {
  TempDir dir;
  dir.write("reset-password.subject", "{{app_name}}: new password\n");
  dir.write("reset-password.html", "<a href=\"{{url}}\">{{name}}</a>");
  dir.write("welcome.txt", "Welcome {{name}} to {{app_name}}");
  const mail::Templates t(config_with(dir.str()));
  const auto m = t.render("reset-password", "ada@example.com", {"Ada", "https://a.test/?a=1&b=2"});
  EXPECT_EQ(m.subject, "Acme & Co: new password");
  EXPECT_EQ(m.html, "<a href=\"https://a.test/?a=1&amp;b=2\">Ada</a>");
  EXPECT_THAT(m.text, HasSubstr("Hello Ada,"));  // no .txt file: the built-in text stays
  const auto w = t.render("welcome", "ada@example.com", {"Ada", ""});
  EXPECT_EQ(w.text, "Welcome Ada to Acme & Co");
  EXPECT_THROW(t.render("unknown-kind", "ada@example.com", {}), infra::InvalidArgumentError);
}

TEST(MailTemplates, BadOverridesAreConfigErrorsNamingTheFile) {
  TempDir dir;
  dir.write("verify-email.txt", "Hi {{username}}");
  try {
    const mail::Templates t(config_with(dir.str()));
    FAIL() << "expected a ConfigError";
  } catch (const infra::ConfigError& e) {
    EXPECT_THAT(e.what(), HasSubstr("verify-email.txt: unknown placeholder {{username}}"));
  }
  EXPECT_THROW(mail::Templates(config_with("/nonexistent/templates")), infra::ConfigError);
}
