#pragma once
// The topics and subscriptions the app needs, created idempotently: by `vibework pubsub setup`
// (any environment) and by `serve` at start when it talks to the emulator.
#include <string>
#include <vector>

#include "vibework/infra/asio.hpp"
#include "vibework/infra/pubsub/admin.hpp"

namespace vibework::infra {
struct Config;
struct PubsubConfig;
}  // namespace vibework::infra

namespace vibework::pubsub {

class Client;

struct SubscriptionSpec {
  std::string name;
  std::string topic;
  SubscriptionOptions options;
};

struct AppResources {
  std::vector<std::string> topics;               // created first (the dead-letter topic too)
  std::vector<SubscriptionSpec> subscriptions;
};

// notifications-created, events, dead-letter; a worker subscription on each of the first two
// (retry 10 s..600 s, dead-letter after 5 attempts) and a review subscription on dead-letter.
AppResources app_resources(const infra::PubsubConfig& config);

// Creates (or updates) everything in `resources`; returns one line per resource for the user.
awaitable<std::vector<std::string>> ensure_resources(Client& client, AppResources resources);

// Registers the resources with the client without calling the server, so that a call that
// answers NOT_FOUND from the emulator (started, or restarted, after us) re-creates them.
void remember_resources(Client& client, const AppResources& resources);

// `vibework pubsub setup`: prints what it created, returns the process exit code (0 = ok).
int run_setup_command(const infra::Config& config);

}  // namespace vibework::pubsub
