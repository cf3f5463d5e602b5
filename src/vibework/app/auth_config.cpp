#include "vibework/app/auth_config.hpp"

namespace vibework::app {

namespace {
// Only for development: sessions signed with it are worthless anywhere else.
constexpr std::string_view development_secret = "vibework-development-secret-do-not-use-in-production";
constexpr std::size_t min_secret_bytes = 32;

std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    auto end = text.find(',', start);
    if (end == std::string::npos) end = text.size();
    auto item = text.substr(start, end - start);
    while (!item.empty() && item.front() == ' ') item.erase(item.begin());
    while (!item.empty() && item.back() == ' ') item.pop_back();
    if (!item.empty()) out.push_back(item);
    start = end + 1;
  }
  return out;
}
}  // namespace

AuthConfig AuthConfig::parse(infra::EnvReader& env, const infra::CoreConfig& core) {
  const bool production = core.production();
  AuthConfig c;
  auto secret = env.raw("AUTH_SECRET");
  if (!secret) secret = env.raw("BETTER_AUTH_SECRET");
  const std::string example = "<32+ random bytes, e.g. the output of: openssl rand -base64 32>";
  if (secret) {
    c.secret = *secret;
    if (production && c.secret.size() < min_secret_bytes) {
      // The value itself is a secret: report only its length.
      env.problem("AUTH_SECRET", "is " + std::to_string(c.secret.size()) + " bytes; production needs at least 32",
                  example);
    }
  } else if (production) {
    env.problem("AUTH_SECRET", "is missing; production needs a secret of at least 32 bytes", example);
  } else {
    c.secret = std::string(development_secret);
    c.secret_is_dev_default = true;
  }
  auto url = env.raw("AUTH_URL");
  if (!url) url = env.raw("BETTER_AUTH_URL");
  if (url) c.base_url = *url;
  c.trusted_origins = split_list(env.string("AUTH_TRUSTED_ORIGINS", ""));
  return c;
}

std::string AuthConfig::describe() const {
  return std::string("AUTH_SECRET=") + (secret_is_dev_default ? "(development default)" : "***");
}

}  // namespace vibework::app
