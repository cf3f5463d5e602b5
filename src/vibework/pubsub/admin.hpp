#pragma once
// Topic and subscription management: idempotent ensure_* for setup and start-up.
#include <chrono>
#include <optional>
#include <string>

#include "vibework/infra/asio.hpp"

namespace vibework::pubsub {

class RestClient;

struct RetryPolicy {
  std::chrono::seconds minimum_backoff{10};
  std::chrono::seconds maximum_backoff{600};
  bool operator==(const RetryPolicy&) const = default;
};

struct DeadLetterPolicy {
  std::string dead_letter_topic;  // a topic name or "projects/<p>/topics/<name>"
  int max_delivery_attempts = 5;  // 5..100
  bool operator==(const DeadLetterPolicy&) const = default;
};

struct SubscriptionOptions {
  std::chrono::seconds ack_deadline{60};  // 10..600
  std::optional<RetryPolicy> retry_policy = RetryPolicy{};
  std::optional<DeadLetterPolicy> dead_letter_policy;
  std::string filter;  // e.g. attributes.type = "email"; fixed once created
  std::optional<std::chrono::seconds> message_retention;  // default: 7 days
};

struct SubscriptionInfo {
  std::string name;   // full path
  std::string topic;  // full path
  SubscriptionOptions options;
};

// Creates the topic if it does not exist. Never fails because it exists.
awaitable<void> ensure_topic(RestClient& client, std::string name);

// Creates the subscription, or brings an existing one's ack deadline, retry and dead-letter
// policies and retention to `options`. ConflictError if it exists on another topic or with
// another filter (both fixed at creation). Returns what the server now has.
awaitable<SubscriptionInfo> ensure_subscription(RestClient& client, std::string name, std::string topic,
                                                SubscriptionOptions options = {});

// The body of the create call; the client keeps it to re-create the subscription after an
// emulator restart.
std::string subscription_create_body(const RestClient& client, const std::string& topic, const SubscriptionOptions& options);

awaitable<bool> topic_exists(RestClient& client, std::string name);
awaitable<std::optional<SubscriptionInfo>> get_subscription(RestClient& client, std::string name);
// Missing resources are not an error.
awaitable<void> delete_topic(RestClient& client, std::string name);
awaitable<void> delete_subscription(RestClient& client, std::string name);

}  // namespace vibework::pubsub
