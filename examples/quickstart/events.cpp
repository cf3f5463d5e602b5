// Pub/Sub: the original's publish to notifications-created, received on a subscription.
#include <algorithm>
#include <memory>
#include <mutex>
#include <vector>

#include <boost/asio/steady_timer.hpp>

#include "examples.hpp"

namespace quickstart {

namespace pubsub = vibework::pubsub;

namespace {

// What the handler saw; it runs on an I/O thread, the example reads it from another.
class Inbox {
 public:
  void add(std::string data) {
    std::lock_guard lock(mutex_);
    messages_.push_back(std::move(data));
  }
  bool contains(const std::string& data) const {
    std::lock_guard lock(mutex_);
    return std::find(messages_.begin(), messages_.end(), data) != messages_.end();
  }

 private:
  mutable std::mutex mutex_;
  std::vector<std::string> messages_;
};

// Polls the inbox until `data` arrived or `limit` passed, without blocking the thread.
awaitable<bool> arrives(const Inbox& inbox, std::string data, std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  vibework::asio::steady_timer pause(co_await vibework::asio::this_coro::executor);
  while (!inbox.contains(data)) {
    if (std::chrono::steady_clock::now() >= deadline) co_return false;
    pause.expires_after(20ms);
    co_await pause.async_wait(vibework::use_awaitable);
  }
  co_return true;
}

}  // namespace

awaitable<void> events_example(pubsub::Client& pubsub, std::string subscription, std::string run_id) {
  auto inbox = std::make_shared<Inbox>();
  const std::string user_id = "user-" + run_id;

  // snippet:events
  // Subscribe to events: the handler runs for each message, on one of the runtime's I/O threads.
  auto subscriber = pubsub.subscribe(subscription, [inbox](pubsub::Message& message) -> awaitable<void> {
    inbox->add(message.data);  // the published bytes: here, JSON text
    message.ack();             // acknowledge processing (a handler that throws nacks: retried later)
    co_return;
  });

  // Publish event
  const std::string event = R"({"userId":")" + user_id + R"(","type":"email","title":"Welcome"})";
  const std::string message_id = co_await pubsub.publisher().publish("notifications-created", event);
  // snippet-end
  expect(!message_id.empty(), "the server to acknowledge the publish with a message id");
  const bool arrived = co_await arrives(*inbox, event, 30s);
  expect(arrived, "the published event on subscription " + subscription + " within 30 s");

  co_await subscriber->stop();
  co_await pubsub::delete_subscription(pubsub.rest(), subscription);
}

}  // namespace quickstart
