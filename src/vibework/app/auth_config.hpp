#pragma once
#include <string>
#include <vector>

#include "vibework/infra/config.hpp"

// The auth settings (AUTH_*). The app holds them until the auth part exists.
namespace vibework::app {

struct AuthConfig {
  std::string secret;        // AUTH_SECRET (BETTER_AUTH_SECRET also read); never logged
  bool secret_is_dev_default = false;
  std::string base_url = "http://localhost:3000";  // AUTH_URL (BETTER_AUTH_URL also read)
  std::vector<std::string> trusted_origins;        // AUTH_TRUSTED_ORIGINS, comma-separated

  // Production requires a secret of at least 32 bytes.
  static AuthConfig parse(infra::EnvReader& env, const infra::CoreConfig& core);
  std::string describe() const;  // never the secret
};

}  // namespace vibework::app
