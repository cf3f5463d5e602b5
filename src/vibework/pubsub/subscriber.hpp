#pragma once
// Subscriber: pulls messages from one subscription and runs a handler for each.
//
//   Subscriber sub(client, "events-worker", [](Message& m) -> awaitable<void> {
//     co_await handle(m.data);
//     m.ack();
//   }, SubscriberOptions::from(config.get<pubsub::Config>()), runtime.next_io_context().get_executor());
//   sub.start();
//   ...
//   co_await sub.stop();
//
// - A message neither acked nor nacked when its handler returns is nacked; a handler that
//   throws nacks. A nack asks for redelivery at once (subject to the subscription's retry policy).
// - Flow control: at most max_outstanding_messages handlers hold messages at once; pulls ask
//   only for the free room. parallel_pulls requests are in flight at once.
// - Lease extension: while a handler runs, its message's ack deadline is extended
//   (modifyAckDeadline) so a slow handler does not cause a redelivery, up to max_lease_extension.
// - Acks and nacks are batched into few requests.
// - stop(): stops pulling, lets running handlers finish (bounded by shutdown_timeout), sends the
//   pending acks and nacks the rest, so they are redelivered at once: nothing is lost.
// - Tracing: a handler runs in the trace of its message's "traceparent" attribute (a new span
//   of it), or in a new trace: its log lines carry the trace id (infra/current_trace.hpp).
// All of a subscriber's bookkeeping runs on its executor (one I/O thread); handlers run there too.
#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "vibework/infra/asio.hpp"
#include "vibework/infra/metrics/registry.hpp"
#include "vibework/pubsub/config.hpp"
#include "vibework/infra/json.hpp"
#include "vibework/pubsub/publisher.hpp"

namespace vibework::pubsub {

class RestClient;

class Message {
 public:
  std::string data;
  Attributes attributes;
  std::string message_id;
  infra::TimePoint publish_time{};
  int delivery_attempt = 0;  // 1 on first delivery; 0 when the server does not count (no dead-letter policy on Google)
  std::string ack_id;

  // The first decision counts; later calls are ignored. Safe from any thread.
  void ack() noexcept { decide(Decision::ack); }
  void nack() noexcept { decide(Decision::nack); }

  // The publisher's stable id (vibework-id attribute) for deduplication; empty if absent.
  std::string_view dedup_id() const;

  enum class Decision : int { none = 0, ack = 1, nack = 2 };
  Decision decision() const noexcept { return static_cast<Decision>(decision_->load()); }

 private:
  void decide(Decision d) noexcept {
    int expected = 0;
    decision_->compare_exchange_strong(expected, static_cast<int>(d));
  }
  std::shared_ptr<std::atomic<int>> decision_ = std::make_shared<std::atomic<int>>(0);
};

using MessageHandler = std::function<awaitable<void>(Message&)>;

struct SubscriberOptions {
  std::size_t max_outstanding_messages = 1'000;
  std::size_t parallel_pulls = 2;
  std::size_t max_messages_per_pull = 1'000;
  std::chrono::seconds lease_extension{60};           // each modifyAckDeadline extends by this much
  std::chrono::milliseconds max_lease_extension{3'600'000};  // stop extending a message after this long
  // The first extension happens this soon after receipt: half of the smallest ack deadline
  // Google allows (10 s), so it comes in time whatever the subscription's deadline is.
  std::chrono::milliseconds first_extension_after{5'000};
  std::chrono::milliseconds shutdown_timeout{10'000};
  std::chrono::milliseconds ack_batch_delay{10};
  std::size_t ack_batch_max = 1'000;
  std::chrono::milliseconds pull_timeout{100'000};  // a pull waits up to ~90 s for messages

  static SubscriberOptions from(const pubsub::Config& config);
};

struct SubscriberStats {
  std::size_t received = 0;
  std::size_t acked = 0;
  std::size_t nacked = 0;
  std::size_t handler_errors = 0;
  std::size_t lease_extensions = 0;  // message deadlines extended
  std::size_t outstanding = 0;       // messages held by handlers now
};

class Subscriber {
 public:
  Subscriber(RestClient& client, std::string subscription, MessageHandler handler, SubscriberOptions options,
             asio::any_io_executor executor);
  ~Subscriber();  // call stop() first; otherwise pulling is abandoned and held messages expire
  Subscriber(const Subscriber&) = delete;
  Subscriber& operator=(const Subscriber&) = delete;

  void start();
  awaitable<void> stop();  // idempotent; never throws
  SubscriberStats stats() const;
  const std::string& subscription() const noexcept;
  // pubsub_messages_{received,acked,nacked}_total, pubsub_handler_errors_total,
  // pubsub_lease_extensions_total and pubsub_handler_duration_seconds, by subscription, in
  // `registry` (which must outlive the subscriber). Call before start(). With the
  // subscription's dead-letter policy's max_delivery_attempts (0: none), also
  // pubsub_messages_dead_lettered_total: messages nacked on their last allowed delivery.
  void attach_metrics(infra::metrics::Registry& registry, int dead_letter_after = 0);

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace vibework::pubsub
