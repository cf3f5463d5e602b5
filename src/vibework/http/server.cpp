#include "vibework/http/server.hpp"

#include <algorithm>
#include <atomic>
#include <limits>
#include <optional>
#include <unordered_set>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <spdlog/spdlog.h>

#include "vibework/http/access_log.hpp"
#include "vibework/http/connection.hpp"
#include "vibework/http/error_response.hpp"
#include "vibework/http/request_id.hpp"
#include "vibework/http/request_trace.hpp"
#include "vibework/http/response_wire.hpp"
#include "vibework/http/server_metrics.hpp"
#include "vibework/infra/async/deadline_sweep.hpp"
#include "vibework/infra/errors.hpp"
#include "vibework/infra/runtime.hpp"

namespace vibework::http {

namespace beast = boost::beast;
using tcp = asio::ip::tcp;
using Clock = ConnectionClock;
using Phase = ConnectionPhase;

namespace {
constexpr auto no_deadline = Clock::time_point::max();
// How late a read or write timeout may fire. The deadline moves several times per request, so
// it is only a field write in the I/O thread's DeadlineSweep, and the slack lets one wake-up
// end every connection due within it: no timer operation per request.
constexpr auto deadline_slack = std::chrono::milliseconds(100);
// At the connection cap with nothing to close on its thread, an acceptor looks again this often.
constexpr auto room_check_interval = std::chrono::milliseconds(10);
// After a failed accept (out of descriptors...), an acceptor waits this long before the next.
constexpr auto accept_retry_delay = std::chrono::milliseconds(50);
// Events a client can cause at will are summed up in one log line per I/O thread this often.
constexpr auto throttled_log_interval = std::chrono::seconds(10);

// Counts an event that must not become one log line per occurrence under attack.
struct ThrottledEvent {
  std::uint64_t count = 0;
  std::string detail;  // of the last occurrence
  Clock::time_point next_log{};  // the first occurrence is logged at once
  bool due(Clock::time_point now) const noexcept { return count > 0 && now >= next_log; }
  void logged(Clock::time_point now) noexcept {
    count = 0;
    next_log = now + throttled_log_interval;
  }
};

// A connection as the server serves it: what the eviction choice sees, plus its read or write
// deadline in the I/O thread's DeadlineSweep. Lives on the session coroutine's frame and is
// touched only from its I/O thread.
struct Session final : Connection, infra::DeadlineSweep::Entry {
  Session(tcp::socket& s, infra::DeadlineSweep& d) : Entry(deadline_slack), deadlines(d) { socket = &s; }
  infra::DeadlineSweep& deadlines;

  // Of the current read or write; no_deadline while a handler runs.
  void set_deadline(Clock::time_point at) { deadlines.schedule(*this, at); }

 private:
  void on_deadline() override {
    timed_out = true;
    boost::system::error_code ec;
    socket->cancel(ec);  // the pending read or write ends with operation_aborted
  }
};

// Everything on one I/O thread: its acceptor, its connections and their deadlines.
struct Worker {
  explicit Worker(asio::io_context& c)
      : ctx(c), deadlines(infra::DeadlineSweep::of(c.get_executor())), room_timer(c), log_timer(c) {}
  asio::io_context& ctx;
  std::optional<tcp::acceptor> acceptor;
  std::unordered_set<Connection*> connections;
  infra::DeadlineSweep& deadlines;
  asio::steady_timer room_timer;  // the acceptor's wait for room at the cap
  asio::steady_timer log_timer;   // armed only while a throttled event waits to be summed up
  bool log_armed = false;
  bool draining = false;
  ThrottledEvent evictions;
  ThrottledEvent accept_failures;
  ServerMetrics::ThreadCache metrics;  // this thread's resolved http_* handles
};
}  // namespace

struct Server::Impl {
  Config config;
  bool json_logs;
  std::chrono::milliseconds shutdown_timeout;
  infra::Runtime& runtime;
  const Router& router;
  std::vector<std::unique_ptr<Worker>> workers;
  std::uint16_t port = 0;
  // Process-wide, so the cap holds across I/O threads; written once when a connection is
  // accepted and once when it ends, never per request.
  std::atomic<int> open_connections{0};
  // Closed to make room but not ended yet (still in open_connections): the room they make is
  // not made twice. Touched only at the cap.
  std::atomic<int> evicted_pending{0};
  std::atomic<int> running_acceptors{0};
  const int max_connections;  // HTTP_MAX_CONNECTIONS; 0 (not resolved) = no cap
  std::unique_ptr<ServerMetrics> metrics;  // null: no registry

  Impl(const Config& c, infra::Runtime& rt, const Router& r)
      : config(c), json_logs(c.json_logs), shutdown_timeout(c.shutdown_timeout), runtime(rt), router(r),
        max_connections(c.max_connections == 0 ? std::numeric_limits<int>::max()
                                                : static_cast<int>(std::min(c.max_connections, max_http_connections))) {}

  void listen();
  awaitable<void> accept_loop(Worker& worker);
  int over_cap() const noexcept {
    return open_connections.load(std::memory_order_relaxed) - evicted_pending.load(std::memory_order_relaxed) -
           max_connections;
  }
  awaitable<void> wait_for_room(Worker& worker);
  void make_room_elsewhere(const Worker& full);
  std::size_t evict(Worker& worker, std::size_t count);
  void log_throttled(Worker& worker, Clock::time_point now);
  void report(Worker& worker);
  awaitable<void> serve_connection(Worker& worker, tcp::socket socket, std::shared_ptr<infra::TraceCell> trace);
  awaitable<Response> dispatch(Request& request, const std::string*& route);
  void begin_drain(Worker& worker);
  void close_all(Worker& worker);
  awaitable<bool> wait_until_closed(Clock::time_point deadline);
};

namespace {
std::string remote_of(const tcp::socket& socket) {
  boost::system::error_code ec;
  auto ep = socket.remote_endpoint(ec);
  if (ec) return "unknown";
  return ep.address().to_string() + ":" + std::to_string(ep.port());
}

// Half-close and drain briefly, so the client reads our error response before the socket
// goes away (closing with unread input would reset the connection).
awaitable<void> close_gracefully(Session& connection) {
  boost::system::error_code ec;
  connection.phase = Phase::closing;
  connection.socket->shutdown(tcp::socket::shutdown_send, ec);
  connection.timed_out = false;
  connection.set_deadline(Clock::now() + std::chrono::seconds(1));
  char sink[4096];
  for (int i = 0; i < 256 && !ec; ++i) {
    co_await connection.socket->async_read_some(asio::buffer(sink), asio::redirect_error(use_awaitable, ec));
  }
  connection.socket->close(ec);
}

Response status_error(Status status, std::string_view code, std::string_view message, std::string_view request_id) {
  auto res = error_response(status, code, message, request_id);
  res.keep_alive(false);
  return res;
}
}  // namespace

void Server::Impl::listen() {
  boost::system::error_code ec;
  auto address = asio::ip::make_address(config.host == "localhost" ? "127.0.0.1" : config.host, ec);
  if (ec) throw infra::ConfigError("http", "HTTP_HOST '" + config.host + "' is not an IP address", "use 127.0.0.1 or 0.0.0.0");
  std::uint16_t bind_port = config.port;
  for (std::size_t i = 0; i < runtime.io_thread_count(); ++i) {
    auto worker = std::make_unique<Worker>(runtime.io_context(i));
    tcp::acceptor acceptor(worker->ctx);
    const tcp::endpoint endpoint(address, bind_port);
    acceptor.open(endpoint.protocol());
    acceptor.set_option(tcp::acceptor::reuse_address(true));
    const int one = 1;
    ::setsockopt(acceptor.native_handle(), SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one));
    acceptor.bind(endpoint, ec);
    if (ec) {
      throw infra::UnavailableError("http", "cannot listen on " + config.host + ":" + std::to_string(bind_port) + ": " + ec.message(),
                                    "another process may use the port; pick another with HTTP_PORT or stop it (ss -ltnp)");
    }
    acceptor.listen(asio::socket_base::max_listen_connections);
    bind_port = acceptor.local_endpoint().port();  // a port of 0 resolves on the first bind
    port = bind_port;
    worker->acceptor.emplace(std::move(acceptor));
    workers.push_back(std::move(worker));
  }
}

awaitable<void> Server::Impl::accept_loop(Worker& worker) {
  ++running_acceptors;
  for (;;) {
    boost::system::error_code ec;
    tcp::socket socket = co_await worker.acceptor->async_accept(asio::redirect_error(use_awaitable, ec));
    if (ec == asio::error::operation_aborted || worker.draining) break;
    if (ec) {
      // Out of file descriptors and the like: count it (logged summed up), breathe, keep accepting.
      ++worker.accept_failures.count;
      worker.accept_failures.detail = ec.message();
      report(worker);
      worker.room_timer.expires_after(accept_retry_delay);
      co_await worker.room_timer.async_wait(asio::redirect_error(use_awaitable, ec));
      continue;
    }
    socket.set_option(tcp::no_delay(true), ec);
    const int open = open_connections.fetch_add(1, std::memory_order_relaxed) + 1;
    // Over the cap: close this thread's oldest idle or unfinished connection, before the new one
    // joins them (it is served either way: it may be a probe).
    const bool over = open > max_connections && open - evicted_pending.load(std::memory_order_relaxed) > max_connections;
    const bool room_made = !over || evict(worker, 1) == 1;
    if (over && room_made) report(worker);
    // The connection runs in a trace cell it sets to each request's trace in turn: every log
    // line of a request carries its trace id, at no spawn or allocation per request.
    auto trace = std::make_shared<infra::TraceCell>();
    const auto traced = infra::traced(worker.ctx.get_executor(), trace);
    asio::co_spawn(traced, serve_connection(worker, std::move(socket), std::move(trace)), asio::detached);
    if (!room_made) {
      make_room_elsewhere(worker);
      co_await wait_for_room(worker);
    }
  }
  --running_acceptors;
}

// Nothing to close on this thread: accept nothing more until the count is back under the cap.
// The other threads close their oldest idle or unfinished connections (make_room_elsewhere),
// and busy ones end by themselves. So each thread holds at most one connection above the cap.
awaitable<void> Server::Impl::wait_for_room(Worker& worker) {
  boost::system::error_code ec;
  while (!worker.draining && over_cap() > 0) {
    worker.room_timer.expires_after(room_check_interval);
    co_await worker.room_timer.async_wait(asio::redirect_error(use_awaitable, ec));
  }
}

// Asks the other I/O threads to close the connections above the cap (each on its own thread).
// Several threads may each close a few too many; that is bounded by the number of threads.
void Server::Impl::make_room_elsewhere(const Worker& full) {
  for (auto& w : workers) {
    if (w.get() == &full) continue;
    asio::post(w->ctx, [this, w = w.get()] {
      const int excess = over_cap();
      if (excess > 0 && !w->draining && evict(*w, static_cast<std::size_t>(excess)) > 0) report(*w);
    });
  }
}

// Closes up to `count` of this thread's oldest idle or unfinished connections. The descriptor is
// freed at once; the session coroutine ends when it sees its read aborted.
std::size_t Server::Impl::evict(Worker& worker, std::size_t count) {
  boost::system::error_code ec;
  const auto chosen = oldest_evictable(worker.connections, count);
  for (auto* c : chosen) {
    c->phase = Phase::closing;  // never chosen twice
    c->evicted = true;
    c->socket->close(ec);
  }
  evicted_pending.fetch_add(static_cast<int>(chosen.size()), std::memory_order_relaxed);
  worker.evictions.count += chosen.size();
  return chosen.size();
}

void Server::Impl::log_throttled(Worker& worker, Clock::time_point now) {
  if (worker.evictions.due(now)) {
    spdlog::warn("http: at the connection cap (HTTP_MAX_CONNECTIONS={}): closed {} idle or unfinished connection(s) "
                 "to make room (summed up every {} s)",
                 max_connections, worker.evictions.count, throttled_log_interval.count());
    worker.evictions.logged(now);
  }
  if (worker.accept_failures.due(now)) {
    spdlog::warn("http accept failed {} time(s): {} (summed up every {} s; out of descriptors? see HTTP_MAX_CONNECTIONS)",
                 worker.accept_failures.count, worker.accept_failures.detail, throttled_log_interval.count());
    worker.accept_failures.logged(now);
  }
}

// Logs what is due now; what is not yet due is summed up by a timer armed only for that.
void Server::Impl::report(Worker& worker) {
  log_throttled(worker, Clock::now());
  if (worker.log_armed || worker.draining) return;
  auto next = Clock::time_point::max();
  if (worker.evictions.count > 0) next = std::min(next, worker.evictions.next_log);
  if (worker.accept_failures.count > 0) next = std::min(next, worker.accept_failures.next_log);
  if (next == Clock::time_point::max()) return;
  worker.log_armed = true;
  worker.log_timer.expires_at(next);
  worker.log_timer.async_wait([this, w = &worker](boost::system::error_code ec) {
    w->log_armed = false;
    if (!ec) report(*w);
  });
}

awaitable<Response> Server::Impl::dispatch(Request& request, const std::string*& route) {
  auto match = router.match(request.method(), request.path(), request.params);
  route = match.pattern;
  if (match.handler == nullptr) {
    if (!match.allow.empty()) {
      auto res = error_response(Status::method_not_allowed, "METHOD_NOT_ALLOWED",
                                std::string(beast_http::to_string(request.method())) + " is not allowed on " +
                                    std::string(request.path()),
                                request.request_id);
      res.set(beast_http::field::allow, match.allow);
      co_return res;
    }
    co_return error_response(Status::not_found, "NOT_FOUND",
                             "no route for " + std::string(beast_http::to_string(request.method())) + " " +
                                 std::string(request.path()),
                             request.request_id);
  }
  std::exception_ptr failure;
  try {
    co_return co_await (*match.handler)(request);
  } catch (...) {
    failure = std::current_exception();
  }
  co_return response_for_exception(failure, request.request_id);
}

// open_connections was counted by the acceptor; this coroutine uncounts it when it ends.
awaitable<void> Server::Impl::serve_connection(Worker& worker, tcp::socket socket,
                                               std::shared_ptr<infra::TraceCell> trace) {
  Session connection(socket, worker.deadlines);
  worker.connections.insert(&connection);
  const std::string remote = remote_of(socket);
  beast::flat_buffer buffer;
  std::string wire;  // each response's bytes (response_wire.hpp), its capacity reused
  boost::system::error_code ec;

  try {
    for (;;) {
      connection.phase = Phase::idle;
      if (worker.draining) break;
      if (buffer.size() == 0) {
        // Keep-alive idle: wait for the first byte of the next request.
        connection.since = Clock::now();
        connection.set_deadline(connection.since + config.idle_timeout);
        const auto n = co_await socket.async_read_some(buffer.prepare(8192), asio::redirect_error(use_awaitable, ec));
        // Closed by the peer, idle timeout, shutdown, or closed to make room (maybe after the read).
        if (ec || connection.phase == Phase::closing) break;
        buffer.commit(n);
      }
      const auto started = Clock::now();
      connection.phase = Phase::reading;
      connection.since = started;

      beast_http::request_parser<beast_http::string_body> parser;
      parser.header_limit(static_cast<std::uint32_t>(config.max_header_bytes));
      parser.body_limit(config.max_body_bytes);
      connection.set_deadline(started + config.read_timeout);
      co_await beast_http::async_read(socket, buffer, parser, asio::redirect_error(use_awaitable, ec));
      if (connection.phase == Phase::closing) break;  // closed to make room
      connection.phase = Phase::handling;
      connection.set_deadline(no_deadline);  // a handler is bounded by its own timeouts

      Request request;
      std::optional<Response> response;
      const std::string* route = nullptr;  // the matched template, for metrics
      // For the access log, also when the request was rejected after its header was read.
      std::string log_method = "-", log_target = "-";
      Verb verb = Verb::unknown;
      if (parser.is_header_done()) {
        verb = parser.get().method();
        log_method = std::string(parser.get().method_string());
        log_target = std::string(parser.get().target());
      }
      if (connection.timed_out) {
        connection.timed_out = false;
        response = status_error(Status::request_timeout, "REQUEST_TIMEOUT", "the request was not received in time", "");
      } else if (ec == beast_http::error::end_of_stream || ec == asio::error::operation_aborted) {
        break;
      } else if (ec == beast_http::error::body_limit) {
        response = status_error(Status::payload_too_large, "PAYLOAD_TOO_LARGE",
                                "request body exceeds " + std::to_string(config.max_body_bytes) + " bytes", "");
      } else if (ec == beast_http::error::header_limit) {
        response = status_error(Status::request_header_fields_too_large, "HEADERS_TOO_LARGE",
                                "request headers exceed " + std::to_string(config.max_header_bytes) + " bytes", "");
      } else if (ec) {
        if (ec == asio::error::eof || ec == asio::error::connection_reset) break;
        response = status_error(Status::bad_request, "BAD_REQUEST", "malformed HTTP request: " + ec.message(), "");
      } else {
        request.message = parser.release();
        request.request_id = request_id_for(request.header("X-Request-Id"));
        request.remote = remote;
        // From here to the access log line, everything this connection runs (the handler and
        // what it awaits or spawns) logs the request's trace id (infra/current_trace.hpp).
        trace->set(request_trace(&request.message));
        if (metrics) metrics->request_started();
        response = co_await dispatch(request, route);
        if (metrics) metrics->request_handled();
        response->keep_alive(request.message.keep_alive() && !worker.draining);
        if (request.method() == Verb::head) {
          const auto length = response->body().size();
          response->body().clear();
          response->content_length(length);
        }
      }
      if (!request.request_id.empty()) response->set("X-Request-Id", request.request_id);
      if (trace->get() == nullptr) {  // rejected before a handler: its own trace all the same
        trace->set(request_trace(parser.is_header_done() ? &parser.get() : nullptr));
      }
      set_traceresponse(*response, *trace->get());

      // A client that does not read its response gets the same bound as one that does not send.
      connection.phase = Phase::writing;
      connection.set_deadline(Clock::now() + config.read_timeout);
      std::size_t written = 0;
      if (response->chunked()) {
        written = co_await beast_http::async_write(socket, *response, asio::redirect_error(use_awaitable, ec));
      } else {
        serialize_response(*response, wire);
        written = co_await asio::async_write(socket, asio::buffer(wire), asio::redirect_error(use_awaitable, ec));
      }
      const auto finished = Clock::now();
      if (metrics) {
        metrics->request_finished(worker.metrics, route, verb, response->result_int(),
                                  std::chrono::duration<double>(finished - started).count());
      }
      if (config.access_log) {
        log_access({log_method, log_target, response->result_int(),
                    std::chrono::duration_cast<std::chrono::microseconds>(finished - started), written,
                    request.request_id, remote},
                   json_logs);
      }
      trace->clear();  // between requests: lines of an idle connection belong to none
      if (ec || connection.timed_out) break;
      if (!response->keep_alive()) {
        co_await close_gracefully(connection);
        break;
      }
    }
  } catch (const std::exception& e) {
    spdlog::warn("http connection from {} ended with an error: {}", remote, e.what());
  }
  worker.connections.erase(&connection);
  socket.close(ec);
  if (connection.evicted) evicted_pending.fetch_sub(1, std::memory_order_relaxed);
  --open_connections;
}

void Server::Impl::begin_drain(Worker& worker) {
  worker.draining = true;
  boost::system::error_code ec;
  if (worker.acceptor) worker.acceptor->close(ec);
  worker.room_timer.cancel();
  log_throttled(worker, Clock::time_point::max());  // what was still being summed up
  worker.log_timer.cancel();
  // Idle keep-alive connections have nothing in flight: close them now. Busy ones finish their
  // request and close after the response (it carries Connection: close).
  for (auto* c : worker.connections) {
    if (c->phase == Phase::idle || c->phase == Phase::closing) c->socket->cancel(ec);
  }
}

void Server::Impl::close_all(Worker& worker) {
  boost::system::error_code ec;
  for (auto* c : worker.connections) c->socket->close(ec);
}

awaitable<bool> Server::Impl::wait_until_closed(Clock::time_point deadline) {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  while (open_connections.load() > 0 || running_acceptors.load() > 0) {
    if (Clock::now() >= deadline) co_return false;
    timer.expires_after(std::chrono::milliseconds(5));
    co_await timer.async_wait(use_awaitable);
  }
  co_return true;
}

Server::Server(const Config& config, infra::Runtime& runtime, const Router& router, infra::metrics::Registry* metrics)
    : impl_(std::make_unique<Impl>(config, runtime, router)) {
  if (metrics) {
    impl_->metrics = std::make_unique<ServerMetrics>(
        *metrics, [impl = impl_.get()] { return static_cast<double>(impl->open_connections.load(std::memory_order_relaxed)); });
  }
}

Server::~Server() = default;

awaitable<void> Server::start() {
  impl_->listen();
  for (auto& worker : impl_->workers) {
    asio::co_spawn(worker->ctx, impl_->accept_loop(*worker), asio::detached);
  }
  co_return;
}

awaitable<void> Server::stop() {
  const auto deadline = Clock::now() + impl_->shutdown_timeout;
  for (auto& worker : impl_->workers) {
    asio::post(worker->ctx, [impl = impl_.get(), w = worker.get()] { impl->begin_drain(*w); });
  }
  if (co_await impl_->wait_until_closed(deadline)) co_return;
  spdlog::warn("http: {} connection(s) still busy after {} ms; closing them", impl_->open_connections.load(),
               impl_->shutdown_timeout.count());
  for (auto& worker : impl_->workers) {
    asio::post(worker->ctx, [impl = impl_.get(), w = worker.get()] { impl->close_all(*w); });
  }
  co_await impl_->wait_until_closed(Clock::now() + std::chrono::seconds(2));
}

std::uint16_t Server::port() const noexcept { return impl_->port; }
int Server::open_connections() const noexcept { return impl_->open_connections.load(); }

}  // namespace vibework::http
