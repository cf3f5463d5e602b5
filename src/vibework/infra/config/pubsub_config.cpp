#include "vibework/infra/config/pubsub_config.hpp"

namespace vibework::infra {

PubsubConfig parse_pubsub_config(EnvReader& env, bool development) {
  PubsubConfig c;
  c.project_id = env.string("PUBSUB_PROJECT_ID", c.project_id);
  // An explicitly empty PUBSUB_EMULATOR_HOST means "talk to Google" even in development.
  const bool explicitly_empty = env.set_but_empty("PUBSUB_EMULATOR_HOST");
  if (env.raw("PUBSUB_EMULATOR_HOST") || (development && !explicitly_empty)) {
    c.emulator = env.host_port("PUBSUB_EMULATOR_HOST", "localhost:8085");
  }
  c.credentials_file = env.optional_string("GOOGLE_APPLICATION_CREDENTIALS");
  return c;
}

}  // namespace vibework::infra
