#pragma once
// HttpClient: a small HTTP/1.1 client for Google APIs (and the Pub/Sub emulator) on Boost.Beast.
//
//  - keep-alive: connections are reused, one idle list per I/O context (a connection stays on
//    the context it was opened on), at most `max_idle` kept;
//  - every call has a deadline; on the deadline the connection is closed (the server stops
//    waiting for us too) and TimeoutError is thrown;
//  - plain TCP (the emulator, a local fake token server) or TLS with certificate and host
//    name verification (pubsub.googleapis.com, oauth2.googleapis.com).
// Beast stays in http_client.cpp; this header is cheap to include.
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "vibework/infra/asio.hpp"

namespace vibework::pubsub {

struct HttpEndpoint {
  std::string host;
  std::uint16_t port = 80;
  bool tls = false;
  std::string to_string() const { return host + ":" + std::to_string(port); }
};

struct ParsedUrl {
  HttpEndpoint endpoint;
  std::string target;  // path and query, at least "/"
};
// "http://host:port/path" or "https://host/path"; throws InvalidArgumentError when malformed.
ParsedUrl parse_url(std::string_view url);

struct HttpRequest {
  std::string method = "GET";
  std::string target = "/";
  std::string body;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
};

struct HttpResponse {
  int status = 0;
  std::string body;
};

struct HttpClientOptions {
  std::string service = "pubsub";  // names the service in errors
  HttpEndpoint endpoint;
  std::size_t max_idle = 32;
  std::chrono::milliseconds connect_timeout{5'000};
  std::chrono::milliseconds idle_timeout{30'000};  // idle connections older than this are closed, not reused
  std::string unreachable_hint;  // appended to "cannot connect" errors
};

class HttpClient {
 public:
  explicit HttpClient(HttpClientOptions options);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Sends one request and reads the whole response, within `timeout` (connect included).
  // Any HTTP status is returned; transport failures throw UnavailableError, the deadline
  // TimeoutError. Cancelling the awaiting coroutine closes the connection.
  awaitable<HttpResponse> send(HttpRequest request, std::chrono::milliseconds timeout);

  const HttpEndpoint& endpoint() const noexcept;
  std::size_t idle_connections() const;
  std::size_t connections_opened() const noexcept;  // total, for tests of reuse

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace vibework::pubsub
