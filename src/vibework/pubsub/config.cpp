#include "vibework/pubsub/config.hpp"

#include <fmt/format.h>

namespace vibework::pubsub {

using infra::EnvReader;

Config Config::parse(EnvReader& env, const infra::CoreConfig& core) {
  using std::chrono::milliseconds;
  const bool development = !core.production();
  Config c;
  c.project_id = env.string("PUBSUB_PROJECT_ID", c.project_id);
  // An explicitly empty PUBSUB_EMULATOR_HOST means "talk to Google" even in development.
  const bool explicitly_empty = env.set_but_empty("PUBSUB_EMULATOR_HOST");
  if (env.raw("PUBSUB_EMULATOR_HOST") || (development && !explicitly_empty)) {
    c.emulator = env.host_port("PUBSUB_EMULATOR_HOST", "localhost:8085");
  }
  c.credentials_file = env.optional_string("GOOGLE_APPLICATION_CREDENTIALS");

  auto count = [&](std::string_view name, std::size_t fallback, std::int64_t min, std::int64_t max) {
    return static_cast<std::size_t>(env.integer(name, static_cast<std::int64_t>(fallback), min, max));
  };
  c.max_connections = count("PUBSUB_MAX_CONNECTIONS", c.max_connections, 1, 10'000);
  c.connect_timeout = env.milliseconds("PUBSUB_CONNECT_TIMEOUT_MS", c.connect_timeout, milliseconds(1), milliseconds(600'000));
  c.request_timeout = env.milliseconds("PUBSUB_REQUEST_TIMEOUT_MS", c.request_timeout, milliseconds(1), milliseconds(600'000));
  c.retry_timeout = env.milliseconds("PUBSUB_RETRY_TIMEOUT_MS", c.retry_timeout, milliseconds(0), milliseconds(3'600'000));
  c.retry_initial_backoff = env.milliseconds("PUBSUB_RETRY_INITIAL_BACKOFF_MS", c.retry_initial_backoff,
                                             milliseconds(1), milliseconds(60'000));
  c.retry_max_backoff = env.milliseconds("PUBSUB_RETRY_MAX_BACKOFF_MS", c.retry_max_backoff, milliseconds(1),
                                         milliseconds(600'000));

  c.batch_max_messages = count("PUBSUB_BATCH_MAX_MESSAGES", c.batch_max_messages, 1, 1'000);
  c.batch_max_bytes = count("PUBSUB_BATCH_MAX_BYTES", c.batch_max_bytes, 1'000, 9'000'000);
  c.batch_max_delay = env.milliseconds("PUBSUB_BATCH_MAX_DELAY_MS", c.batch_max_delay, milliseconds(0), milliseconds(60'000));
  c.publish_max_outstanding_messages =
      count("PUBSUB_PUBLISH_MAX_OUTSTANDING_MESSAGES", c.publish_max_outstanding_messages, 1, 100'000'000);
  c.publish_max_outstanding_bytes =
      count("PUBSUB_PUBLISH_MAX_OUTSTANDING_BYTES", c.publish_max_outstanding_bytes, 1'000, 100'000'000'000);
  c.publish_flow_control =
      env.one_of("PUBSUB_PUBLISH_FLOW_CONTROL", "block", {"block", "fail"}) == "fail" ? PublishFlowControl::fail
                                                                                      : PublishFlowControl::block;

  c.subscriber_max_outstanding_messages =
      count("PUBSUB_SUBSCRIBER_MAX_OUTSTANDING_MESSAGES", c.subscriber_max_outstanding_messages, 1, 1'000'000);
  c.subscriber_parallel_pulls = count("PUBSUB_SUBSCRIBER_PARALLEL_PULLS", c.subscriber_parallel_pulls, 1, 64);
  c.ack_deadline = std::chrono::seconds(env.integer("PUBSUB_ACK_DEADLINE_SECONDS", c.ack_deadline.count(), 10, 600));
  c.max_lease_extension = env.milliseconds("PUBSUB_MAX_LEASE_EXTENSION_MS", c.max_lease_extension, milliseconds(0),
                                           milliseconds(24 * 3'600'000));
  c.subscriber_shutdown_timeout = env.milliseconds("PUBSUB_SUBSCRIBER_SHUTDOWN_TIMEOUT_MS",
                                                   c.subscriber_shutdown_timeout, milliseconds(0), milliseconds(600'000));
  c.redelivery_min_backoff = std::chrono::seconds(
      env.integer("PUBSUB_REDELIVERY_MIN_BACKOFF_SECONDS", c.redelivery_min_backoff.count(), 0, 600));
  c.redelivery_max_backoff = std::chrono::seconds(
      env.integer("PUBSUB_REDELIVERY_MAX_BACKOFF_SECONDS", c.redelivery_max_backoff.count(), 0, 600));
  if (c.redelivery_max_backoff < c.redelivery_min_backoff) {
    env.problem("PUBSUB_REDELIVERY_MAX_BACKOFF_SECONDS", "is smaller than PUBSUB_REDELIVERY_MIN_BACKOFF_SECONDS", "600");
  }
  if (c.retry_max_backoff < c.retry_initial_backoff) {
    env.problem("PUBSUB_RETRY_MAX_BACKOFF_MS", "is smaller than PUBSUB_RETRY_INITIAL_BACKOFF_MS", "10000");
  }
  return c;
}

std::string Config::describe() const { return fmt::format("PUBSUB project={} via {}", project_id, address()); }

}  // namespace vibework::pubsub
