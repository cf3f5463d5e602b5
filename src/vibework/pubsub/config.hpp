#pragma once
#include <chrono>
#include <cstddef>
#include <optional>
#include <string>

#include "vibework/infra/config.hpp"

namespace vibework::pubsub {

// What publish() does when the publisher already holds its maximum of unsent messages/bytes.
enum class PublishFlowControl { block, fail };

struct Config {
  std::string project_id = "vibework-project";  // PUBSUB_PROJECT_ID
  // Set: plain HTTP to the emulator, no credentials. Unset: HTTPS to pubsub.googleapis.com.
  // Defaults to localhost:8085 when APP_ENV=development; set it to an empty value to use Google.
  std::optional<infra::HostPort> emulator;
  std::optional<std::string> credentials_file;  // GOOGLE_APPLICATION_CREDENTIALS

  // Connections and calls.
  std::size_t max_connections = 32;                   // PUBSUB_MAX_CONNECTIONS (kept alive and reused)
  std::chrono::milliseconds connect_timeout{5'000};   // PUBSUB_CONNECT_TIMEOUT_MS
  std::chrono::milliseconds request_timeout{10'000};  // PUBSUB_REQUEST_TIMEOUT_MS, one HTTP attempt
  std::chrono::milliseconds retry_timeout{60'000};    // PUBSUB_RETRY_TIMEOUT_MS, all attempts of one call
  std::chrono::milliseconds retry_initial_backoff{100};  // PUBSUB_RETRY_INITIAL_BACKOFF_MS
  std::chrono::milliseconds retry_max_backoff{10'000};   // PUBSUB_RETRY_MAX_BACKOFF_MS

  // Publisher batching: a batch is sent when it holds this many messages or bytes, or when
  // its first message has waited this long. Up to Google's per-request maximum (1000): the cost
  // of a publish is mostly per request, and the delay bounds the latency anyway.
  std::size_t batch_max_messages = 1'000;            // PUBSUB_BATCH_MAX_MESSAGES (<= 1000)
  std::size_t batch_max_bytes = 1'000'000;           // PUBSUB_BATCH_MAX_BYTES (<= 9 MB)
  std::chrono::milliseconds batch_max_delay{10};     // PUBSUB_BATCH_MAX_DELAY_MS
  // Publisher flow control: messages accepted but not yet acknowledged by the server.
  std::size_t publish_max_outstanding_messages = 10'000;        // PUBSUB_PUBLISH_MAX_OUTSTANDING_MESSAGES
  std::size_t publish_max_outstanding_bytes = 100'000'000;      // PUBSUB_PUBLISH_MAX_OUTSTANDING_BYTES
  PublishFlowControl publish_flow_control = PublishFlowControl::block;  // PUBSUB_PUBLISH_FLOW_CONTROL

  // Subscriber.
  std::size_t subscriber_max_outstanding_messages = 1'000;  // PUBSUB_SUBSCRIBER_MAX_OUTSTANDING_MESSAGES
  std::size_t subscriber_parallel_pulls = 2;                // PUBSUB_SUBSCRIBER_PARALLEL_PULLS
  std::chrono::seconds ack_deadline{60};                    // PUBSUB_ACK_DEADLINE_SECONDS (10..600)
  std::chrono::milliseconds max_lease_extension{3'600'000}; // PUBSUB_MAX_LEASE_EXTENSION_MS
  std::chrono::milliseconds subscriber_shutdown_timeout{10'000};  // PUBSUB_SUBSCRIBER_SHUTDOWN_TIMEOUT_MS
  // The retry policy of the app's worker subscriptions: how long the server waits before
  // redelivering a nacked message (growing from min to max). The original's 10 s..600 s; tests
  // shorten it, since five attempts at the default take minutes. 0..600 s each (Google's range).
  std::chrono::seconds redelivery_min_backoff{10};   // PUBSUB_REDELIVERY_MIN_BACKOFF_SECONDS
  std::chrono::seconds redelivery_max_backoff{600};  // PUBSUB_REDELIVERY_MAX_BACKOFF_SECONDS

  std::string address() const {
    return emulator ? "emulator " + emulator->to_string() : "pubsub.googleapis.com:443";
  }

  // The emulator is the default in development (APP_ENV), Google in production.
  static Config parse(infra::EnvReader& env, const infra::CoreConfig& core);
  std::string describe() const;
};

}  // namespace vibework::pubsub
