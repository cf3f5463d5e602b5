#include "vibework/pubsub/http_client.hpp"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <optional>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/system/system_error.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "vibework/infra/errors.hpp"
#include "vibework/infra/timeout.hpp"

namespace vibework::pubsub {

namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using boost::system::error_code;

ParsedUrl parse_url(std::string_view url) {
  ParsedUrl out;
  std::string_view rest;
  if (url.starts_with("http://")) {
    rest = url.substr(7);
    out.endpoint.port = 80;
  } else if (url.starts_with("https://")) {
    rest = url.substr(8);
    out.endpoint.tls = true;
    out.endpoint.port = 443;
  } else {
    throw infra::InvalidArgumentError("http", fmt::format("'{}' is not an http:// or https:// URL", url));
  }
  const auto slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  out.target = slash == std::string_view::npos ? "/" : std::string(rest.substr(slash));
  const auto colon = authority.rfind(':');
  if (colon != std::string_view::npos) {
    const auto port_text = authority.substr(colon + 1);
    unsigned port = 0;
    for (char c : port_text) {
      if (c < '0' || c > '9') throw infra::InvalidArgumentError("http", fmt::format("bad port in URL '{}'", url));
      port = port * 10 + static_cast<unsigned>(c - '0');
      if (port > 65535) throw infra::InvalidArgumentError("http", fmt::format("bad port in URL '{}'", url));
    }
    if (port_text.empty()) throw infra::InvalidArgumentError("http", fmt::format("bad port in URL '{}'", url));
    out.endpoint.port = static_cast<std::uint16_t>(port);
    authority = authority.substr(0, colon);
  }
  if (authority.empty()) throw infra::InvalidArgumentError("http", fmt::format("no host in URL '{}'", url));
  out.endpoint.host = std::string(authority);
  return out;
}

namespace {

struct Connection {
  explicit Connection(asio::any_io_executor ex) : executor(std::move(ex)) {}
  asio::any_io_executor executor;
  std::unique_ptr<beast::tcp_stream> plain;
  std::unique_ptr<beast::ssl_stream<beast::tcp_stream>> secure;
  beast::flat_buffer buffer;
  Clock::time_point idle_since{};

  beast::tcp_stream& lowest() { return plain ? *plain : beast::get_lowest_layer(*secure); }
};

using Request = http::request<http::string_body>;
using Parser = http::response_parser<http::string_body>;

template <typename Stream>
awaitable<void> exchange(Stream& stream, beast::flat_buffer& buffer, Request& request, Parser& parser,
                         error_code& ec) {
  co_await http::async_write(stream, request, asio::redirect_error(use_awaitable, ec));
  if (ec) co_return;
  co_await http::async_read(stream, buffer, parser, asio::redirect_error(use_awaitable, ec));
}

// The server closed a kept-alive connection while it sat idle: safe to retry on a new one.
bool stale_connection(const error_code& ec) {
  return ec == http::error::end_of_stream || ec == asio::error::eof || ec == asio::error::connection_reset ||
         ec == asio::error::broken_pipe || ec == asio::error::connection_aborted;
}

}  // namespace

struct HttpClient::Impl {
  explicit Impl(HttpClientOptions o) : options(std::move(o)) {
    ssl.set_default_verify_paths();
    ssl.set_verify_mode(asio::ssl::verify_peer);
  }

  HttpClientOptions options;
  asio::ssl::context ssl{asio::ssl::context::tls_client};
  mutable std::mutex mutex;
  std::vector<std::unique_ptr<Connection>> idle;
  std::atomic<std::size_t> opened{0};

  std::string hint() const {
    return options.unreachable_hint.empty() ? std::string(infra::hints::start_local_services) : options.unreachable_hint;
  }

  std::unique_ptr<Connection> take_idle(const asio::any_io_executor& ex) {
    std::unique_ptr<Connection> found;
    std::vector<std::unique_ptr<Connection>> expired;  // closed outside the lock
    {
      std::lock_guard lock(mutex);
      const auto now = Clock::now();
      for (auto it = idle.begin(); it != idle.end();) {
        if (now - (*it)->idle_since > options.idle_timeout) {
          if ((*it)->executor == ex) expired.push_back(std::move(*it));
          else { ++it; continue; }  // closed by its own context's next caller
          it = idle.erase(it);
          continue;
        }
        if (!found && (*it)->executor == ex) {
          found = std::move(*it);
          it = idle.erase(it);
          continue;
        }
        ++it;
      }
    }
    return found;
  }

  std::size_t idle_count() const {
    std::lock_guard lock(mutex);
    return idle.size();
  }

  void give_back(std::unique_ptr<Connection> conn) {
    conn->idle_since = Clock::now();
    std::lock_guard lock(mutex);
    if (idle.size() < options.max_idle) idle.push_back(std::move(conn));
  }

  [[noreturn]] void throw_transport(const error_code& ec, std::string_view what, std::chrono::milliseconds limit) const {
    if (ec == beast::error::timeout) {
      throw infra::TimeoutError(options.service,
                                fmt::format("{} {} did not finish within {} ms", what, options.endpoint.to_string(),
                                            limit.count()),
                                "the service may be overloaded or unreachable; check it, or raise the timeout");
    }
    if (ec == asio::error::operation_aborted) throw boost::system::system_error(ec);
    throw infra::UnreachableError(options.service,
                                  fmt::format("{} {} failed: {}", what, options.endpoint.to_string(), ec.message()),
                                  hint());
  }

  awaitable<std::unique_ptr<Connection>> open(asio::any_io_executor ex, Clock::time_point deadline,
                                              std::chrono::milliseconds limit) {
    const auto& ep = options.endpoint;
    const auto connect_deadline = std::min(deadline, Clock::now() + options.connect_timeout);
    auto resolve = [](asio::any_io_executor ex, std::string host, std::string port) -> awaitable<tcp::resolver::results_type> {
      tcp::resolver resolver(ex);
      co_return co_await resolver.async_resolve(host, port, use_awaitable);
    };
    tcp::resolver::results_type endpoints;
    try {
      endpoints = co_await infra::with_timeout(
          resolve(ex, ep.host, std::to_string(ep.port)),
          std::max(std::chrono::duration_cast<std::chrono::milliseconds>(connect_deadline - Clock::now()),
                   std::chrono::milliseconds(1)),
          options.service, "resolving " + ep.host);
    } catch (const boost::system::system_error& e) {
      throw_transport(e.code(), "resolving", limit);
    }
    auto conn = std::make_unique<Connection>(ex);
    error_code ec;
    if (ep.tls) {
      conn->secure = std::make_unique<beast::ssl_stream<beast::tcp_stream>>(ex, ssl);
    } else {
      conn->plain = std::make_unique<beast::tcp_stream>(ex);
    }
    conn->lowest().expires_at(connect_deadline);
    co_await conn->lowest().async_connect(endpoints, asio::redirect_error(use_awaitable, ec));
    if (ec) throw_transport(ec, "connecting to", options.connect_timeout);
    conn->lowest().socket().set_option(tcp::no_delay(true), ec);
    if (ep.tls) {
      if (!SSL_set_tlsext_host_name(conn->secure->native_handle(), ep.host.c_str())) {
        throw infra::UnavailableError(options.service, "cannot set TLS server name for " + ep.host);
      }
      conn->secure->set_verify_callback(asio::ssl::host_name_verification(ep.host));
      co_await conn->secure->async_handshake(asio::ssl::stream_base::client, asio::redirect_error(use_awaitable, ec));
      if (ec) throw_transport(ec, "TLS handshake with", options.connect_timeout);
    }
    const auto total = opened.fetch_add(1, std::memory_order_relaxed) + 1;
    spdlog::debug("{}: opened connection {} to {} ({} idle in the pool)", options.service, total, ep.to_string(),
                  idle_count());
    co_return conn;
  }
};

HttpClient::HttpClient(HttpClientOptions options) : impl_(std::make_shared<Impl>(std::move(options))) {}
HttpClient::~HttpClient() = default;

const HttpEndpoint& HttpClient::endpoint() const noexcept { return impl_->options.endpoint; }

std::size_t HttpClient::idle_connections() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->idle.size();
}

std::size_t HttpClient::connections_opened() const noexcept { return impl_->opened.load(); }

awaitable<HttpResponse> HttpClient::send(HttpRequest request, std::chrono::milliseconds timeout) {
  auto impl = impl_;  // the client may be destroyed by its owner only after calls end; this is belt and braces
  auto ex = co_await asio::this_coro::executor;
  const auto deadline = Clock::now() + timeout;
  const auto& ep = impl->options.endpoint;

  Request req;
  req.method_string(request.method);
  req.target(request.target);
  req.version(11);
  const bool default_port = ep.port == (ep.tls ? 443 : 80);
  req.set(http::field::host, default_port ? ep.host : ep.to_string());
  req.set(http::field::user_agent, "vibework-pubsub/0.1");
  req.keep_alive(true);
  for (auto& [name, value] : request.headers) req.set(name, value);
  if (!request.body.empty() || request.method == "POST" || request.method == "PUT" || request.method == "PATCH") {
    req.set(http::field::content_type, request.content_type);
    req.body() = std::move(request.body);
  }
  req.prepare_payload();

  for (int attempt = 0;; ++attempt) {
    auto conn = impl->take_idle(ex);
    const bool reused = conn != nullptr;
    if (!conn) conn = co_await impl->open(ex, deadline, timeout);

    Parser parser;
    parser.body_limit(64 * 1024 * 1024);
    error_code ec;
    conn->lowest().expires_at(deadline);
    if (conn->plain) {
      co_await exchange(*conn->plain, conn->buffer, req, parser, ec);
    } else {
      co_await exchange(*conn->secure, conn->buffer, req, parser, ec);
    }
    if (ec) {
      if (reused && attempt == 0 && stale_connection(ec)) continue;
      impl->throw_transport(ec, fmt::format("{} {} on", request.method, request.target), timeout);
    }
    auto response = parser.release();
    HttpResponse out{static_cast<int>(response.result_int()), std::move(response.body())};
    if (response.keep_alive()) {
      conn->lowest().expires_never();
      impl->give_back(std::move(conn));
    }
    co_return out;
  }
}

}  // namespace vibework::pubsub
