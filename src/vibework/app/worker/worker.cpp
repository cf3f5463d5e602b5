#include "vibework/app/worker/worker.hpp"

#include <spdlog/spdlog.h>

#include "vibework/app/pubsub_resources.hpp"
#include "vibework/pubsub/client.hpp"

namespace vibework::app::worker {

Worker::Worker(mongodb::Database& mongodb, redis::Client& redis, pubsub::Client& pubsub, notifications::UnreadCounterOptions counter)
    : pubsub_(pubsub),
      record_(mongodb, redis, counter),
      notifications_(record_, std::string(subscriptions::NOTIFICATIONS_WORKER)),
      events_(std::string(subscriptions::EVENTS_WORKER)) {}

Worker::~Worker() = default;

awaitable<void> Worker::start() {
  // The handlers outlive the subscribers: stop() waits for every running handler.
  pubsub::MessageHandler on_notification = [this](pubsub::Message& m) -> awaitable<void> {
    (void)co_await notifications_.handle(m);
  };
  pubsub::MessageHandler on_event = [this](pubsub::Message& m) -> awaitable<void> {
    events_.handle(m);
    co_return;
  };
  subscribers_.push_back(pubsub_.subscribe(std::string(subscriptions::NOTIFICATIONS_WORKER), std::move(on_notification)));
  subscribers_.push_back(pubsub_.subscribe(std::string(subscriptions::EVENTS_WORKER), std::move(on_event)));
  spdlog::info("worker: consuming {} and {} (dead letter after {} attempts to {})", subscriptions::NOTIFICATIONS_WORKER,
               subscriptions::EVENTS_WORKER, MAX_DELIVERY_ATTEMPTS, topics::DEAD_LETTER);
  co_return;
}

awaitable<void> Worker::stop() {
  for (auto& subscriber : subscribers_) co_await subscriber->stop();
  for (const auto& subscriber : subscribers_) {
    const auto s = subscriber->stats();
    spdlog::info("worker: stopped consuming {} ({} received, {} acked, {} nacked)", subscriber->subscription(), s.received,
                 s.acked, s.nacked);
  }
  subscribers_.clear();
}

}  // namespace vibework::app::worker
