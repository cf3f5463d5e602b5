#pragma once
#include <string>
#include <vector>

#include "vibework/infra/config/env_reader.hpp"

namespace vibework::infra {

struct AuthConfig {
  std::string secret;        // AUTH_SECRET (BETTER_AUTH_SECRET also read); never logged
  bool secret_is_dev_default = false;
  std::string base_url = "http://localhost:3000";  // AUTH_URL (BETTER_AUTH_URL also read)
  std::vector<std::string> trusted_origins;        // AUTH_TRUSTED_ORIGINS, comma-separated
};

AuthConfig parse_auth_config(EnvReader& env, bool production);

}  // namespace vibework::infra
