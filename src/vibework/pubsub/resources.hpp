#pragma once
// Resources: the topics and subscriptions a program needs, created idempotently. The app
// declares its own (vibework/app/pubsub_resources.hpp); pubsub::Client ensures them at start
// against the emulator, and `vibework pubsub setup` in any environment.
#include <string>
#include <vector>

#include "vibework/infra/asio.hpp"
#include "vibework/pubsub/admin.hpp"

namespace vibework::pubsub {

class RestClient;

struct SubscriptionSpec {
  std::string name;
  std::string topic;
  SubscriptionOptions options;
};

struct Resources {
  std::vector<std::string> topics;  // created first (dead-letter topics too); readiness checks the first exists
  std::vector<SubscriptionSpec> subscriptions;
};

// Creates (or updates) everything in `resources`; returns one line per resource for the user.
awaitable<std::vector<std::string>> ensure_resources(RestClient& client, Resources resources);

// Registers the resources with the client without calling the server, so that a call that
// answers NOT_FOUND from the emulator (started, or restarted, after us) re-creates them.
void remember_resources(RestClient& client, const Resources& resources);

// Throws NotFoundError("Topic does not exist") when `topic` is missing, or why the server could
// not be asked. One attempt, no retries: the probe behind readiness.
awaitable<void> require_topic(RestClient& client, std::string topic);

}  // namespace vibework::pubsub
