#include "vibework/app/pubsub_resources.hpp"

namespace vibework::app {

pubsub::Resources pubsub_resources(const pubsub::Config& config) {
  pubsub::Resources r;
  r.topics = {std::string(topics::NOTIFICATIONS), std::string(topics::EVENTS), std::string(topics::DEAD_LETTER)};
  pubsub::SubscriptionOptions worker;
  worker.ack_deadline = config.ack_deadline;
  worker.retry_policy = pubsub::RetryPolicy{std::chrono::seconds(10), std::chrono::seconds(600)};
  worker.dead_letter_policy = pubsub::DeadLetterPolicy{std::string(topics::DEAD_LETTER), 5};
  r.subscriptions.push_back({std::string(subscriptions::NOTIFICATIONS_WORKER), std::string(topics::NOTIFICATIONS), worker});
  r.subscriptions.push_back({std::string(subscriptions::EVENTS_WORKER), std::string(topics::EVENTS), worker});
  pubsub::SubscriptionOptions review;
  review.ack_deadline = config.ack_deadline;
  r.subscriptions.push_back({std::string(subscriptions::DEAD_LETTER_REVIEW), std::string(topics::DEAD_LETTER), review});
  return r;
}

}  // namespace vibework::app
