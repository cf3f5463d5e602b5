#pragma once
// pubsub::Client: Google Cloud Pub/Sub as one lifecycle component.
//
//   auto pubsub = lifecycle.add(std::make_shared<pubsub::Client>(config.get<pubsub::Config>(), runtime));
//   pubsub->declare(resources);   // the topics and subscriptions the program needs
//   co_await lifecycle.start_all();
//   auto id = co_await pubsub->publisher().publish("events", payload);
//   pubsub->subscribe("events-worker", handler);
//
// Start: against the emulator, create the declared topics and subscriptions (the emulator
// keeps nothing across restarts, and the client re-creates them on NOT_FOUND); against Google,
// check that the first declared topic exists (else: run `vibework pubsub setup`). An
// unreachable server does not fail the start. Health: the first declared topic exists.
// Stop: stop every subscriber (pending acks sent, the rest nacked), then flush the publisher
// so nothing accepted is dropped.
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "vibework/infra/component.hpp"
#include "vibework/pubsub/config.hpp"
#include "vibework/pubsub/publisher.hpp"
#include "vibework/pubsub/resources.hpp"
#include "vibework/pubsub/rest_client.hpp"
#include "vibework/pubsub/subscriber.hpp"

namespace vibework::infra {
class Runtime;
}

namespace vibework::pubsub {

class Client final : public infra::Component {
 public:
  Client(const Config& config, infra::Runtime& runtime);
  ~Client() override;

  // What start() ensures (emulator) or checks (Google). Call before start().
  void declare(Resources resources);
  // The publisher's, every subscriber's and the REST retries' pubsub_* metrics, in `registry`
  // (which must outlive the client). Call before start().
  void attach_metrics(infra::metrics::Registry& registry);

  std::string_view name() const override { return "pubsub"; }
  awaitable<void> start() override;
  awaitable<void> stop() override;

  // The first declared topic exists, with the round-trip latency. Never throws.
  awaitable<infra::HealthStatus> check_health(std::chrono::milliseconds timeout = infra::default_health_timeout);
  std::vector<infra::HealthCheck> checks() override;

  RestClient& rest() noexcept { return *rest_; }
  Publisher& publisher() noexcept { return *publisher_; }

  // Starts a subscriber on one of the runtime's I/O threads; stop() stops it.
  std::shared_ptr<Subscriber> subscribe(std::string subscription, MessageHandler handler,
                                        std::optional<SubscriberOptions> options = std::nullopt);

 private:
  awaitable<void> probe();
  awaitable<void> first_contact();

  Config config_;
  infra::Runtime& runtime_;
  Resources resources_;
  infra::metrics::Registry* metrics_ = nullptr;
  std::unique_ptr<RestClient> rest_;
  std::unique_ptr<Publisher> publisher_;
  std::mutex mutex_;
  std::vector<std::shared_ptr<Subscriber>> subscribers_;
};

}  // namespace vibework::pubsub
