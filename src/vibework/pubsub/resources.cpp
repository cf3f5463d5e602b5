#include "vibework/pubsub/resources.hpp"

#include <fmt/format.h>

#include "vibework/infra/errors.hpp"
#include "vibework/pubsub/rest_client.hpp"

namespace vibework::pubsub {

awaitable<std::vector<std::string>> ensure_resources(RestClient& client, Resources resources) {
  std::vector<std::string> lines;
  for (const auto& topic : resources.topics) {
    co_await ensure_topic(client, topic);
    lines.push_back(fmt::format("topic        {}  ok", client.topic_path(topic)));
  }
  for (const auto& s : resources.subscriptions) {
    auto info = co_await ensure_subscription(client, s.name, s.topic, s.options);
    std::string policies = fmt::format("ack deadline {}s", info.options.ack_deadline.count());
    if (info.options.retry_policy) {
      policies += fmt::format(", retry {}s..{}s", info.options.retry_policy->minimum_backoff.count(),
                              info.options.retry_policy->maximum_backoff.count());
    }
    if (info.options.dead_letter_policy) {
      policies += fmt::format(", dead letter after {} attempts to {}", info.options.dead_letter_policy->max_delivery_attempts,
                              info.options.dead_letter_policy->dead_letter_topic);
    }
    lines.push_back(fmt::format("subscription {} -> {}  ok ({})", info.name, info.topic, policies));
  }
  co_return lines;
}

void remember_resources(RestClient& client, const Resources& resources) {
  for (const auto& topic : resources.topics) client.remember_topic(client.topic_path(topic));
  for (const auto& s : resources.subscriptions) {
    client.remember_subscription(client.subscription_path(s.name), subscription_create_body(client, s.topic, s.options));
  }
}

awaitable<void> require_topic(RestClient& client, std::string topic) {
  CallOptions once;
  once.retry = false;
  try {
    co_await client.call("GET", client.topic_path(topic), "", once);
  } catch (const infra::NotFoundError&) {
    // The original's message, without Google's wording around it.
    throw infra::NotFoundError("pubsub", "Topic does not exist");
  }
}

}  // namespace vibework::pubsub
