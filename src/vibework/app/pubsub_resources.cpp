#include "vibework/app/pubsub_resources.hpp"

namespace vibework::app {

pubsub::Resources pubsub_resources(const pubsub::Config& config) {
  pubsub::Resources r;
  r.topics = {std::string(topics::NOTIFICATIONS), std::string(topics::EVENTS), std::string(topics::DEAD_LETTER)};
  pubsub::SubscriptionOptions worker;
  worker.ack_deadline = config.ack_deadline;
  worker.retry_policy = pubsub::RetryPolicy{config.redelivery_min_backoff, config.redelivery_max_backoff};
  worker.dead_letter_policy = pubsub::DeadLetterPolicy{std::string(topics::DEAD_LETTER), MAX_DELIVERY_ATTEMPTS};
  r.subscriptions.push_back({std::string(subscriptions::NOTIFICATIONS_WORKER), std::string(topics::NOTIFICATIONS), worker});
  r.subscriptions.push_back({std::string(subscriptions::EVENTS_WORKER), std::string(topics::EVENTS), worker});
  pubsub::SubscriptionOptions review;
  review.ack_deadline = config.ack_deadline;
  // No backoff: `pubsub dead-letters` nacks what it only listed, which must be there again at once.
  review.retry_policy.reset();
  r.subscriptions.push_back({std::string(subscriptions::DEAD_LETTER_REVIEW), std::string(topics::DEAD_LETTER), review});
  return r;
}

std::string_view topic_of_subscription(std::string_view subscription) {
  if (subscription == subscriptions::NOTIFICATIONS_WORKER) return topics::NOTIFICATIONS;
  if (subscription == subscriptions::EVENTS_WORKER) return topics::EVENTS;
  if (subscription == subscriptions::DEAD_LETTER_REVIEW) return topics::DEAD_LETTER;
  return {};
}

}  // namespace vibework::app
