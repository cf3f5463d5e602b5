#pragma once
// Worker: the reference service's Pub/Sub consumer, one lifecycle component.
//
//   auto worker = lifecycle.add(std::make_shared<worker::Worker>(*mongodb, *redis, *pubsub));
//
// start(): subscribes to notifications-created-worker (NotificationCreatedHandler: records each
// delivery once) and events-worker (UserEventHandler: logs user.* events). Their retry and
// dead-letter policies are the subscriptions' own (pubsub_resources.hpp); the client created
// them at its start. Start it after MongoDB, Redis and Pub/Sub, and before HTTP.
// stop(): stops both subscribers: no more pulls, running handlers finish (bounded by
// PUBSUB_SUBSCRIBER_SHUTDOWN_TIMEOUT_MS), their acks are sent and whatever is still held is
// nacked for immediate redelivery to another instance: nothing is lost.
#include <memory>
#include <vector>

#include "vibework/app/worker/delivery_record.hpp"
#include "vibework/app/worker/notification_handler.hpp"
#include "vibework/app/worker/user_event_handler.hpp"
#include "vibework/infra/component.hpp"

namespace vibework::pubsub {
class Client;
class Subscriber;
}  // namespace vibework::pubsub

namespace vibework::app::worker {

class Worker final : public infra::Component {
 public:
  Worker(mongodb::Database& mongodb, redis::Client& redis, pubsub::Client& pubsub, notifications::UnreadCounterOptions counter = {});
  ~Worker() override;

  std::string_view name() const override { return "worker"; }
  awaitable<void> start() override;
  awaitable<void> stop() override;

 private:
  pubsub::Client& pubsub_;
  DeliveryRecord record_;
  NotificationCreatedHandler notifications_;
  UserEventHandler events_;
  std::vector<std::shared_ptr<pubsub::Subscriber>> subscribers_;
};

}  // namespace vibework::app::worker
