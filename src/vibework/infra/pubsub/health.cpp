#include "vibework/infra/pubsub/health.hpp"

#include <chrono>

#include "vibework/infra/errors.hpp"
#include "vibework/infra/pubsub/admin.hpp"
#include "vibework/infra/pubsub/client.hpp"
#include "vibework/infra/pubsub/topics.hpp"

namespace vibework::pubsub {

awaitable<infra::HealthStatus> check_pubsub_health(Client& client) {
  const auto start = std::chrono::steady_clock::now();
  auto elapsed = [&] {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
  };
  try {
    CallOptions once;
    once.retry = false;
    co_await client.call("GET", client.topic_path(topics::NOTIFICATIONS), "", once);
    co_return infra::HealthStatus::ok(elapsed());
  } catch (const infra::NotFoundError&) {
    co_return infra::HealthStatus::error("Topic does not exist", elapsed());
  } catch (const infra::Error& e) {
    co_return infra::HealthStatus::error(e.hint().empty() ? e.message() : e.message() + "; " + e.hint(), elapsed());
  } catch (const std::exception& e) {
    co_return infra::HealthStatus::error(e.what(), elapsed());
  }
}

}  // namespace vibework::pubsub
