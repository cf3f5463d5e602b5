#pragma once
// RestClient: the Pub/Sub REST API v1 (https://pubsub.googleapis.com/v1/...), or the emulator.
//
// Every call has a per-attempt timeout and is retried with exponential backoff (with jitter) on
// 429/500/502/503/504 and on connection errors, until the retry budget is spent; other errors
// surface at once with Google's status and message (NOT_FOUND -> NotFoundError, ALREADY_EXISTS
// -> ConflictError, INVALID_ARGUMENT -> InvalidArgumentError, ...).
// Against Google every call carries a bearer token (service-account key or metadata server).
// Against the emulator, which forgets everything when it restarts, a call that answers NOT_FOUND
// re-creates the topics and subscriptions this client ensured, then is tried once more.
// Thread-safe: share one RestClient across I/O threads.
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/value.hpp>

#include "vibework/infra/asio.hpp"
#include "vibework/infra/metrics/registry.hpp"
#include "vibework/pubsub/config.hpp"

namespace vibework::pubsub {

class AccessTokenSource;
class HttpClient;

struct ClientOverrides {
  // Talk to this base URL instead of https://pubsub.googleapis.com, with the production auth
  // path (tests use a local recorded-response server). Ignored when the emulator is configured.
  std::optional<std::string> endpoint;
  // Use this token source instead of the one chosen from the environment.
  std::shared_ptr<AccessTokenSource> tokens;
  // GCE_METADATA_HOST equivalent, for the metadata-server fallback.
  std::string metadata_host = "metadata.google.internal";
};

struct CallOptions {
  std::chrono::milliseconds timeout{0};                    // one attempt; 0 = config.request_timeout
  std::optional<std::chrono::milliseconds> retry_timeout;  // all attempts; default config.retry_timeout
  bool retry = true;                                       // false: one attempt (health checks)
  bool reensure_on_not_found = false;                      // emulator: re-create resources on NOT_FOUND
};

class RestClient {
 public:
  explicit RestClient(pubsub::Config config, ClientOverrides overrides = {});
  ~RestClient();
  RestClient(const RestClient&) = delete;
  RestClient& operator=(const RestClient&) = delete;

  // method "GET|PUT|POST|PATCH|DELETE", path relative to /v1/ ("projects/p/topics/t:publish").
  // Returns the JSON answer ({} for an empty body).
  awaitable<boost::json::value> call(std::string method, std::string path, std::string body, CallOptions options = {});

  // "projects/<project>/topics/<name>"; a name that already is a full path is kept.
  std::string topic_path(std::string_view name) const;
  std::string subscription_path(std::string_view name) const;

  const pubsub::Config& config() const noexcept { return config_; }
  // pubsub_request_retries_total in `registry` (which must outlive this client).
  void attach_metrics(infra::metrics::Registry& registry);
  bool uses_emulator() const noexcept { return config_.emulator.has_value(); }
  std::string address() const;  // for messages and `vibework doctor`
  std::size_t connections_opened() const noexcept;

  // Resources to re-create after an emulator restart (ensure_topic/ensure_subscription call these).
  void remember_topic(const std::string& path);
  void remember_subscription(const std::string& path, const std::string& create_body);
  awaitable<void> reensure();
  bool remembers(const std::string& path);  // ensured through this client

 private:
  infra::metrics::Counter retries_;
  pubsub::Config config_;
  std::unique_ptr<HttpClient> http_;
  std::shared_ptr<AccessTokenSource> tokens_;
  std::string base_target_;  // "/v1/" or a prefix from the endpoint override

  std::mutex mutex_;
  std::vector<std::string> topics_;
  std::vector<std::pair<std::string, std::string>> subscriptions_;
  std::chrono::steady_clock::time_point last_reensure_{};
};

// For tests and messages: how Google reports an error in a response body.
struct GoogleError {
  int code = 0;
  std::string status;   // "NOT_FOUND"
  std::string message;  // "Topic not found"
};
GoogleError parse_google_error(int http_status, std::string_view body);

}  // namespace vibework::pubsub
