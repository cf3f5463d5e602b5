#pragma once
// Publisher: publish(topic, data, attributes) -> the server's message id.
//
// Concurrent publishes to one topic share requests: a batch is sent when it holds
// batch_max_messages or batch_max_bytes, or batch_max_delay after its first message. publish()
// returns only after the server acknowledged the message (its id), or throws: nothing is
// reported sent that was not stored. Flow control bounds the messages and bytes accepted but not
// yet acknowledged; past the bound publish() waits, in arrival order (block), or throws
// PoolExhaustedError (fail).
// flush() sends what is batched and waits until every accepted message is acknowledged or
// failed: call it on shutdown.
//
// Each message gets a "vibework-id" attribute (unless the caller set one): it stays the same
// across retries, so a consumer can drop the duplicate that a retried publish may create.
// Published from traced work (an HTTP request, a message handler: infra/current_trace.hpp), it
// also gets a "traceparent" attribute (unless the caller set one), so the consumer's logs
// continue the trace; the outbox relay sets the one stored with each event.
// Thread-safe: publish from any I/O thread.
#include <chrono>
#include <cstddef>
#include <map>
#include <memory>
#include <string>

#include "vibework/infra/asio.hpp"
#include "vibework/infra/metrics/registry.hpp"
#include "vibework/pubsub/config.hpp"

namespace vibework::pubsub {

class RestClient;

using Attributes = std::map<std::string, std::string, std::less<>>;

// Every message vibework publishes carries this attribute: a unique id that stays the same when
// a publish is retried, so consumers can drop duplicates (delivery is at least once).
inline constexpr std::string_view MESSAGE_ID_ATTRIBUTE = "vibework-id";

struct PublisherOptions {
  std::size_t batch_max_messages = 1'000;
  std::size_t batch_max_bytes = 1'000'000;
  std::chrono::milliseconds batch_max_delay{10};
  std::size_t max_outstanding_messages = 10'000;
  std::size_t max_outstanding_bytes = 100'000'000;
  pubsub::PublishFlowControl flow_control = pubsub::PublishFlowControl::block;

  static PublisherOptions from(const pubsub::Config& config);
};

struct PublisherStats {
  std::size_t published = 0;  // acknowledged by the server
  std::size_t failed = 0;
  std::size_t requests = 0;   // publish requests sent (batches)
  std::size_t outstanding_messages = 0;
  std::size_t outstanding_bytes = 0;
};

class Publisher {
 public:
  Publisher(RestClient& client, PublisherOptions options);
  ~Publisher();
  Publisher(const Publisher&) = delete;
  Publisher& operator=(const Publisher&) = delete;

  // Throws InvalidArgumentError for a bad topic name or a message over 10 MB, and whatever the
  // request failed with after its retries (UnavailableError, NotFoundError, TimeoutError, ...).
  awaitable<std::string> publish(std::string topic, std::string data, Attributes attributes = {});

  // Sends all open batches now and waits until every accepted message is done.
  awaitable<void> flush();

  PublisherStats stats() const;

  // pubsub_published_messages_total{topic}, pubsub_publish_failures_total{topic},
  // pubsub_publish_batch_size, pubsub_publish_duration_seconds and the outstanding gauge, in
  // `registry` (which must outlive the publisher). Call before the first publish.
  void attach_metrics(infra::metrics::Registry& registry);

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace vibework::pubsub
