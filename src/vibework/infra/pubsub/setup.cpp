#include "vibework/infra/pubsub/setup.hpp"

#include <iostream>

#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <fmt/format.h>

#include "vibework/infra/config.hpp"
#include "vibework/infra/errors.hpp"
#include "vibework/infra/pubsub/client.hpp"
#include "vibework/infra/pubsub/topics.hpp"

namespace vibework::pubsub {

AppResources app_resources(const infra::PubsubConfig& config) {
  AppResources r;
  r.topics = {std::string(topics::NOTIFICATIONS), std::string(topics::EVENTS), std::string(topics::DEAD_LETTER)};
  SubscriptionOptions worker;
  worker.ack_deadline = config.ack_deadline;
  worker.retry_policy = RetryPolicy{std::chrono::seconds(10), std::chrono::seconds(600)};
  worker.dead_letter_policy = DeadLetterPolicy{std::string(topics::DEAD_LETTER), 5};
  r.subscriptions.push_back({std::string(subscriptions::NOTIFICATIONS_WORKER), std::string(topics::NOTIFICATIONS), worker});
  r.subscriptions.push_back({std::string(subscriptions::EVENTS_WORKER), std::string(topics::EVENTS), worker});
  SubscriptionOptions review;
  review.ack_deadline = config.ack_deadline;
  r.subscriptions.push_back({std::string(subscriptions::DEAD_LETTER_REVIEW), std::string(topics::DEAD_LETTER), review});
  return r;
}

awaitable<std::vector<std::string>> ensure_resources(Client& client, AppResources resources) {
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

void remember_resources(Client& client, const AppResources& resources) {
  for (const auto& topic : resources.topics) client.remember_topic(client.topic_path(topic));
  for (const auto& s : resources.subscriptions) {
    client.remember_subscription(client.subscription_path(s.name), subscription_create_body(client, s.topic, s.options));
  }
}

int run_setup_command(const infra::Config& config) {
  asio::io_context io(1);
  try {
    Client client(config.pubsub);
    std::cout << "Pub/Sub setup for project " << config.pubsub.project_id << " via " << client.address() << "\n";
    auto future = asio::co_spawn(io, ensure_resources(client, app_resources(config.pubsub)), asio::use_future);
    io.run();
    for (const auto& line : future.get()) std::cout << "  " << line << "\n";
    std::cout << "done: everything exists (running setup again changes nothing)\n";
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "pubsub setup failed: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace vibework::pubsub
