#pragma once
// Pub/Sub health: the notifications topic exists, with the round-trip latency.
#include "vibework/infra/asio.hpp"
#include "vibework/infra/health.hpp"

namespace vibework::pubsub {

class Client;

// Never throws. Errors: "Topic does not exist" (as in the original), or why the server could
// not be asked (an unreachable emulator names its address and hints at scripts/services start).
awaitable<infra::HealthStatus> check_pubsub_health(Client& client);

}  // namespace vibework::pubsub
