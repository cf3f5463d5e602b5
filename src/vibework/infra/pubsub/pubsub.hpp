#pragma once
// PubsubComponent: Pub/Sub as one lifecycle component. Start: against the emulator, create the
// app's topics and subscriptions (the emulator keeps nothing across restarts); against Google,
// check that the notifications topic exists (else: run `vibework pubsub setup`). Registers the
// health check with readiness. Stop: stop every subscriber (pending acks sent, the rest nacked),
// then flush the publisher so nothing accepted is dropped.
//
//   auto id = co_await infra.pubsub->publisher().publish(std::string(pubsub::topics::EVENTS), payload);
//   infra.pubsub->subscribe(std::string(pubsub::subscriptions::EVENTS_WORKER), handler);
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "vibework/infra/component.hpp"
#include "vibework/infra/config.hpp"
#include "vibework/infra/pubsub/admin.hpp"
#include "vibework/infra/pubsub/client.hpp"
#include "vibework/infra/pubsub/health.hpp"
#include "vibework/infra/pubsub/publisher.hpp"
#include "vibework/infra/pubsub/subscriber.hpp"
#include "vibework/infra/pubsub/topics.hpp"

namespace vibework::infra {
class Readiness;
class Runtime;
}  // namespace vibework::infra

namespace vibework::pubsub {

class PubsubComponent final : public infra::Component {
 public:
  PubsubComponent(const infra::Config& config, infra::Runtime& runtime, infra::Readiness& readiness);
  ~PubsubComponent() override;

  std::string_view name() const override { return "pubsub"; }
  awaitable<void> start() override;
  awaitable<void> stop() override;

  Client& client() noexcept { return *client_; }
  Publisher& publisher() noexcept { return *publisher_; }

  // Starts a subscriber on one of the runtime's I/O threads; stop() stops it.
  std::shared_ptr<Subscriber> subscribe(std::string subscription, MessageHandler handler,
                                        std::optional<SubscriberOptions> options = std::nullopt);

 private:
  infra::PubsubConfig config_;
  infra::Runtime& runtime_;
  infra::Readiness& readiness_;
  std::unique_ptr<Client> client_;
  std::unique_ptr<Publisher> publisher_;
  std::mutex mutex_;
  std::vector<std::shared_ptr<Subscriber>> subscribers_;
};

}  // namespace vibework::pubsub
