#include "vibework/mail/templates.hpp"

#include "vibework/infra/html.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "vibework/infra/errors.hpp"
#include "vibework/mail/default_templates.hpp"

namespace vibework::mail {

namespace {
constexpr const char* known_keys[] = {"name", "app_name", "url"};

std::string_view trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

// Calls fn(key, begin, end) for every {{key}} in text.
template <typename F>
void for_each_placeholder(std::string_view text, F fn) {
  std::size_t pos = 0;
  while ((pos = text.find("{{", pos)) != std::string_view::npos) {
    const auto close = text.find("}}", pos + 2);
    if (close == std::string_view::npos) return;
    fn(trim(text.substr(pos + 2, close - pos - 2)), pos, close + 2);
    pos = close + 2;
  }
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw infra::ConfigError("mail", "cannot read " + path.string(), "check MAIL_TEMPLATES_DIR and the file's permissions");
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

void check_placeholders(const std::string& text, const std::filesystem::path& path) {
  for_each_placeholder(text, [&](std::string_view key, std::size_t, std::size_t) {
    for (const char* k : known_keys) {
      if (key == k) return;
    }
    throw infra::ConfigError("mail", path.string() + ": unknown placeholder {{" + std::string(key) + "}}",
                             "use {{name}}, {{app_name}} or {{url}}");
  });
}

// An override file, if present: the whole part (a subject file's trailing newline dropped).
void override_part(const std::filesystem::path& dir, const std::string& kind, const char* extension, std::string& part) {
  const auto path = dir / (kind + extension);
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return;
  part = read_file(path);
  if (std::string_view(extension) == ".subject") {
    while (!part.empty() && (part.back() == '\n' || part.back() == '\r')) part.pop_back();
  }
  check_placeholders(part, path);
}
}  // namespace

std::vector<std::string> builtin_kinds() {
  std::vector<std::string> kinds;
  for (const auto& [kind, t] : detail::default_templates()) kinds.push_back(kind);
  return kinds;
}


std::string fill(std::string_view text, const std::map<std::string, std::string>& values, bool html) {
  std::string out;
  std::size_t copied = 0;
  for_each_placeholder(text, [&](std::string_view key, std::size_t begin, std::size_t end) {
    const auto it = values.find(std::string(key));
    if (it == values.end()) return;  // left as written
    out.append(text.substr(copied, begin - copied));
    out += html ? infra::html_escape(it->second) : it->second;
    copied = end;
  });
  out.append(text.substr(copied));
  return out;
}

Templates::Templates(const Config& config) : app_name_(config.app_name), templates_(detail::default_templates()) {
  if (!config.templates_dir) return;
  const std::filesystem::path dir(*config.templates_dir);
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    throw infra::ConfigError("mail", "MAIL_TEMPLATES_DIR=" + dir.string() + " is not a directory",
                             "point it at a folder with <kind>.subject/.txt/.html files, or unset it");
  }
  // Every kind with at least one file in the folder: the built-in ones and new ones.
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const auto ext = entry.path().extension().string();
    if (ext == ".subject" || ext == ".txt" || ext == ".html") templates_.try_emplace(entry.path().stem().string());
  }
  for (auto& [kind, t] : templates_) {
    override_part(dir, kind, ".subject", t.subject);
    override_part(dir, kind, ".txt", t.text);
    override_part(dir, kind, ".html", t.html);
  }
}

const Template& Templates::get(std::string_view kind) const {
  const auto it = templates_.find(kind);
  if (it == templates_.end()) {
    throw infra::InvalidArgumentError("mail", "no mail template for '" + std::string(kind) + "'",
                                      "add " + std::string(kind) + ".txt to MAIL_TEMPLATES_DIR");
  }
  return it->second;
}

Mail Templates::render(std::string_view kind, std::string to, const TemplateValues& values) const {
  const Template& t = get(kind);
  const std::map<std::string, std::string> v = {{"name", values.name}, {"app_name", app_name_}, {"url", values.url}};
  Mail mail;
  mail.to = std::move(to);
  mail.subject = fill(t.subject, v, false);
  mail.text = fill(t.text, v, false);
  mail.html = fill(t.html, v, true);
  mail.kind = std::string(kind);
  return mail;
}

}  // namespace vibework::mail
