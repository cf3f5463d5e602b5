#include "vibework/pubsub/rest_client.hpp"

#include <cstdlib>

#include <boost/asio/steady_timer.hpp>
#include <boost/json/parse.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "vibework/infra/async/backoff.hpp"
#include "vibework/infra/errors.hpp"
#include "vibework/pubsub/credentials.hpp"
#include "vibework/pubsub/http_client.hpp"

namespace vibework::pubsub {

namespace json = boost::json;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

namespace {

[[noreturn]] void throw_kind(infra::ErrorKind kind, const std::string& service, std::string message, std::string hint) {
  using K = infra::ErrorKind;
  switch (kind) {
    case K::unavailable: throw infra::UnavailableError(service, std::move(message), std::move(hint));
    case K::timeout: throw infra::TimeoutError(service, std::move(message), std::move(hint));
    case K::pool_exhausted: throw infra::PoolExhaustedError(service, std::move(message), std::move(hint));
    case K::not_found: throw infra::NotFoundError(service, std::move(message), std::move(hint));
    case K::conflict: throw infra::ConflictError(service, std::move(message), std::move(hint));
    case K::invalid_argument: throw infra::InvalidArgumentError(service, std::move(message), std::move(hint));
    case K::query_failed: throw infra::QueryError(service, std::move(message), std::move(hint));
    case K::protocol: throw infra::ProtocolError(service, std::move(message), std::move(hint));
    case K::config: throw infra::ConfigError(service, std::move(message), std::move(hint));
    case K::internal: break;
  }
  throw infra::Error(kind, service, std::move(message), std::move(hint));
}

bool retryable_status(int status) {
  return status == 429 || status == 500 || status == 502 || status == 503 || status == 504;
}

infra::ErrorKind kind_for(const GoogleError& e) {
  using K = infra::ErrorKind;
  if (e.status == "NOT_FOUND") return K::not_found;
  if (e.status == "ALREADY_EXISTS") return K::conflict;
  if (e.status == "INVALID_ARGUMENT" || e.status == "FAILED_PRECONDITION" || e.status == "OUT_OF_RANGE") {
    return K::invalid_argument;
  }
  if (e.status == "DEADLINE_EXCEEDED") return K::timeout;
  if (retryable_status(e.code) || e.status == "UNAVAILABLE" || e.status == "RESOURCE_EXHAUSTED") return K::unavailable;
  return K::query_failed;  // PERMISSION_DENIED, UNAUTHENTICATED, ...
}

std::string hint_for(const GoogleError& e, bool emulator) {
  if (e.status == "PERMISSION_DENIED" || e.status == "UNAUTHENTICATED") {
    return "give the service account the Pub/Sub Editor role on the project, and check PUBSUB_PROJECT_ID";
  }
  if (e.status == "NOT_FOUND") {
    return emulator ? "the emulator keeps nothing across restarts; vibework pubsub setup re-creates the topics and subscriptions"
                    : "run vibework pubsub setup to create the topics and subscriptions";
  }
  if (e.code == 429 || e.status == "RESOURCE_EXHAUSTED") return "quota exceeded; slow down or raise the quota";
  return {};
}

}  // namespace

GoogleError parse_google_error(int http_status, std::string_view body) {
  GoogleError out;
  out.code = http_status;
  boost::system::error_code ec;
  auto value = json::parse(body, ec);
  if (!ec && value.is_object()) {
    if (const auto* err = value.as_object().if_contains("error"); err && err->is_object()) {
      const auto& e = err->as_object();
      if (const auto* s = e.if_contains("status"); s && s->is_string()) out.status = std::string(s->as_string());
      if (const auto* m = e.if_contains("message"); m && m->is_string()) out.message = std::string(m->as_string());
    }
  }
  if (out.status.empty()) {
    switch (http_status) {
      case 400: out.status = "INVALID_ARGUMENT"; break;
      case 401: out.status = "UNAUTHENTICATED"; break;
      case 403: out.status = "PERMISSION_DENIED"; break;
      case 404: out.status = "NOT_FOUND"; break;
      case 409: out.status = "ALREADY_EXISTS"; break;
      case 429: out.status = "RESOURCE_EXHAUSTED"; break;
      case 503: out.status = "UNAVAILABLE"; break;
      case 504: out.status = "DEADLINE_EXCEEDED"; break;
      default: out.status = "HTTP_" + std::to_string(http_status);
    }
  }
  if (out.message.empty()) out.message = std::string(body.substr(0, 200));
  return out;
}

RestClient::RestClient(pubsub::Config config, ClientOverrides overrides) : config_(std::move(config)) {
  HttpClientOptions http;
  http.service = "pubsub";
  http.max_idle = config_.max_connections;
  http.connect_timeout = config_.connect_timeout;
  base_target_ = "/v1/";
  if (config_.emulator) {
    http.endpoint = {config_.emulator->host, config_.emulator->port, false};
    http.unreachable_hint = "start it: scripts/services start (or check PUBSUB_EMULATOR_HOST)";
  } else {
    if (overrides.endpoint) {
      auto url = parse_url(*overrides.endpoint);
      http.endpoint = url.endpoint;
      std::string prefix = url.target == "/" ? "" : url.target;
      if (prefix.ends_with('/')) prefix.pop_back();
      base_target_ = prefix + "/v1/";
    } else {
      http.endpoint = {"pubsub.googleapis.com", 443, true};
    }
    http.unreachable_hint = "check network access to Google Cloud, or set PUBSUB_EMULATOR_HOST for local development";
    if (overrides.tokens) {
      tokens_ = std::move(overrides.tokens);
    } else if (config_.credentials_file) {
      tokens_ = std::make_shared<ServiceAccountTokenSource>(load_service_account_key(*config_.credentials_file),
                                                            std::string(pubsub_scope), config_.request_timeout);
    } else {
      tokens_ = std::make_shared<MetadataTokenSource>(overrides.metadata_host, config_.request_timeout);
    }
  }
  http_ = std::make_unique<HttpClient>(std::move(http));
}

RestClient::~RestClient() = default;

std::string RestClient::address() const {
  return config_.emulator ? "emulator " + config_.emulator->to_string() : http_->endpoint().to_string();
}

std::size_t RestClient::connections_opened() const noexcept { return http_->connections_opened(); }

std::string RestClient::topic_path(std::string_view name) const {
  if (name.starts_with("projects/")) return std::string(name);
  return fmt::format("projects/{}/topics/{}", config_.project_id, name);
}

std::string RestClient::subscription_path(std::string_view name) const {
  if (name.starts_with("projects/")) return std::string(name);
  return fmt::format("projects/{}/subscriptions/{}", config_.project_id, name);
}

void RestClient::remember_topic(const std::string& path) {
  std::lock_guard lock(mutex_);
  for (const auto& t : topics_) {
    if (t == path) return;
  }
  topics_.push_back(path);
}

void RestClient::remember_subscription(const std::string& path, const std::string& create_body) {
  std::lock_guard lock(mutex_);
  for (auto& [p, body] : subscriptions_) {
    if (p == path) {
      body = create_body;
      return;
    }
  }
  subscriptions_.emplace_back(path, create_body);
}

bool RestClient::remembers(const std::string& path) {
  std::lock_guard lock(mutex_);
  for (const auto& t : topics_) {
    if (t == path) return true;
  }
  for (const auto& [p, body] : subscriptions_) {
    if (p == path) return true;
  }
  return false;
}

awaitable<void> RestClient::reensure() {
  std::vector<std::string> topics;
  std::vector<std::pair<std::string, std::string>> subscriptions;
  {
    std::lock_guard lock(mutex_);
    // Many calls notice the restart at once; one round of re-creation is enough.
    if (Clock::now() - last_reensure_ < std::chrono::seconds(1)) co_return;
    last_reensure_ = Clock::now();
    topics = topics_;
    subscriptions = subscriptions_;
  }
  spdlog::warn("pubsub: the emulator at {} lost its state (restarted?); re-creating {} topics and {} subscriptions",
               config_.emulator ? config_.emulator->to_string() : "?", topics.size(), subscriptions.size());
  CallOptions once;
  for (const auto& t : topics) {
    try {
      co_await call("PUT", t, "", once);
    } catch (const infra::ConflictError&) {
    }
  }
  for (const auto& [path, body] : subscriptions) {
    try {
      co_await call("PUT", path, body, once);
    } catch (const infra::ConflictError&) {
    }
  }
}

awaitable<json::value> RestClient::call(std::string method, std::string path, std::string body, CallOptions options) {
  const auto attempt_timeout = options.timeout.count() > 0 ? options.timeout : config_.request_timeout;
  const auto budget = options.retry_timeout.value_or(config_.retry_timeout);
  const auto started = Clock::now();
  const auto give_up_at = started + budget;
  infra::Backoff backoff(config_.retry_initial_backoff, config_.retry_max_backoff,
                         static_cast<std::uint32_t>(started.time_since_epoch().count()));
  bool refreshed_token = false;
  bool reensured = false;
  int attempts = 0;

  for (;;) {
    ++attempts;
    std::exception_ptr failure;
    try {
      HttpRequest request;
      request.method = method;
      request.target = base_target_ + path;
      request.body = body;
      if (tokens_) request.headers.emplace_back("Authorization", "Bearer " + co_await tokens_->token());
      auto response = co_await http_->send(std::move(request), attempt_timeout);
      if (response.status >= 200 && response.status < 300) {
        if (response.body.empty()) co_return json::object();
        boost::system::error_code ec;
        auto value = json::parse(response.body, ec);
        if (ec) throw infra::ProtocolError("pubsub", fmt::format("{} {}: the answer is not JSON", method, path));
        co_return value;
      }
      auto error = parse_google_error(response.status, response.body);
      if (response.status == 401 && tokens_ && !refreshed_token) {
        refreshed_token = true;
        tokens_->invalidate();
        continue;
      }
      if (error.status == "NOT_FOUND" && options.reensure_on_not_found && uses_emulator() && !reensured &&
          remembers(path.substr(0, path.find(':')))) {
        reensured = true;
        co_await reensure();
        continue;
      }
      auto kind = kind_for(error);
      std::string message = fmt::format("{} {}: {} {}", method, path, error.status, error.message);
      if (!retryable_status(response.status)) throw_kind(kind, "pubsub", std::move(message), hint_for(error, uses_emulator()));
      try {
        // A retryable answer means "temporarily unavailable": it may fix itself.
        if (kind == infra::ErrorKind::unavailable) {
          throw infra::UnreachableError("pubsub", std::move(message), hint_for(error, uses_emulator()));
        }
        throw_kind(kind, "pubsub", std::move(message), hint_for(error, uses_emulator()));
      } catch (...) {
        failure = std::current_exception();
      }
    } catch (const infra::UnreachableError& e) {
      failure = std::current_exception();
      if (uses_emulator()) {
        try {
          throw infra::UnreachableError(
              "pubsub", fmt::format("the Pub/Sub emulator at {} is not reachable: {}", config_.emulator->to_string(),
                                    e.message()),
              e.hint());
        } catch (...) {
          failure = std::current_exception();
        }
      }
    } catch (const infra::UnavailableError&) {
      failure = std::current_exception();  // e.g. the token endpoint answered an error: retried too
    } catch (const infra::TimeoutError&) {
      failure = std::current_exception();
    }

    const auto now = Clock::now();
    const auto sleep = backoff.next();
    if (!options.retry || now + sleep > give_up_at) {
      const auto after = [&](const infra::Error& e) {
        return fmt::format("{} (after {} attempts in {} ms)", e.message(), attempts,
                           std::chrono::duration_cast<milliseconds>(now - started).count());
      };
      try {
        std::rethrow_exception(failure);
      } catch (const infra::UnreachableError& e) {
        if (attempts == 1) throw;
        throw infra::UnreachableError(e.service(), after(e), e.hint());
      } catch (const infra::Error& e) {
        if (attempts == 1) throw;
        throw_kind(e.kind(), e.service(), after(e), e.hint());
      }
    }
    retries_.inc();
    asio::steady_timer timer(co_await asio::this_coro::executor, sleep);
    co_await timer.async_wait(use_awaitable);
  }
}

void RestClient::attach_metrics(infra::metrics::Registry& registry) {
  retries_ = registry.counter("pubsub_request_retries_total",
                              "Pub/Sub REST calls retried after a retryable failure (publish, pull, ack...).");
}

}  // namespace vibework::pubsub
