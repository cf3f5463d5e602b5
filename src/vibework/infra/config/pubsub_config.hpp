#pragma once
#include <optional>
#include <string>

#include "vibework/infra/config/env_reader.hpp"

namespace vibework::infra {

struct PubsubConfig {
  std::string project_id = "vibework-project";
  // Set: plain HTTP to the emulator, no credentials. Unset: HTTPS to pubsub.googleapis.com.
  // Defaults to localhost:8085 when APP_ENV=development; set it to an empty value to use Google.
  std::optional<HostPort> emulator;
  std::optional<std::string> credentials_file;  // GOOGLE_APPLICATION_CREDENTIALS

  std::string address() const {
    return emulator ? "emulator " + emulator->to_string() : "pubsub.googleapis.com:443";
  }
};

PubsubConfig parse_pubsub_config(EnvReader& env, bool development);

}  // namespace vibework::infra
