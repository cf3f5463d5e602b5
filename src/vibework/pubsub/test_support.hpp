#pragma once
// Test-only helpers for the pubsub tests: I/O threads that outlive the clients under test, a
// tiny scripted HTTP server (fake token endpoint, recorded Google answers), unique names, and a
// private Pub/Sub emulator process.
#include <signal.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <functional>
#include <future>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <fmt/format.h>

#include "vibework/infra/asio.hpp"
#include "vibework/testkit/eventually.hpp"
#include "vibework/testkit/ports.hpp"

namespace vibework::pubsub::testing {

// N io_contexts, one thread each, kept alive until destruction.
class IoThreads {
 public:
  explicit IoThreads(std::size_t n = 1) {
    for (std::size_t i = 0; i < n; ++i) contexts_.push_back(std::make_unique<asio::io_context>(1));
    for (auto& c : contexts_) guards_.emplace_back(c->get_executor());
    for (auto& c : contexts_) threads_.emplace_back([ctx = c.get()] { ctx->run(); });
  }
  ~IoThreads() {
    guards_.clear();
    for (auto& c : contexts_) c->stop();
    for (auto& t : threads_) t.join();
  }
  asio::any_io_executor executor(std::size_t i = 0) { return contexts_.at(i)->get_executor(); }
  std::size_t size() const { return contexts_.size(); }

  template <typename T>
  T run(awaitable<T> task, std::chrono::seconds limit = std::chrono::seconds(120), std::size_t on = 0) {
    auto future = asio::co_spawn(executor(on), std::move(task), asio::use_future);
    if (future.wait_for(limit) != std::future_status::ready) throw std::runtime_error("test coroutine timed out");
    return future.get();
  }

 private:
  std::vector<std::unique_ptr<asio::io_context>> contexts_;
  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> guards_;
  std::vector<std::thread> threads_;
};

inline std::string unique_name(std::string_view prefix) {
  std::random_device r;
  return fmt::format("{}-{:08x}{:04x}", prefix, r(), r() & 0xFFFF);
}

// A scripted HTTP/1.1 server on 127.0.0.1 (keep-alive), answering with `respond`.
struct FakeResponse {
  int status = 200;
  std::string body;
  std::chrono::milliseconds delay{0};
  bool close = false;
};

struct RecordedRequest {
  std::string method, target, body, authorization, content_type, metadata_flavor;
};

class FakeHttpServer {
 public:
  using Respond = std::function<FakeResponse(const RecordedRequest&)>;

  explicit FakeHttpServer(Respond respond) : respond_(std::move(respond)) {
    namespace ip = asio::ip;
    ip::tcp::endpoint ep(ip::make_address("127.0.0.1"), 0);
    acceptor_.open(ep.protocol());
    acceptor_.set_option(ip::tcp::acceptor::reuse_address(true));
    acceptor_.bind(ep);
    acceptor_.listen();
    port_ = acceptor_.local_endpoint().port();
    asio::co_spawn(ctx_, accept_loop(), asio::detached);
    thread_ = std::thread([this] { ctx_.run(); });
  }
  ~FakeHttpServer() {
    ctx_.stop();
    thread_.join();
  }

  std::uint16_t port() const { return port_; }
  std::string url() const { return fmt::format("http://127.0.0.1:{}", port_); }
  std::vector<RecordedRequest> requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
  }
  std::size_t connections() const { return connections_.load(); }

 private:
  awaitable<void> accept_loop() {
    for (;;) {
      boost::system::error_code ec;
      auto socket = co_await acceptor_.async_accept(asio::redirect_error(use_awaitable, ec));
      if (ec) co_return;
      ++connections_;
      asio::co_spawn(acceptor_.get_executor(), serve(std::move(socket)), asio::detached);
    }
  }

  awaitable<void> serve(asio::ip::tcp::socket socket) {
    namespace http = boost::beast::http;
    boost::beast::tcp_stream stream(std::move(socket));
    boost::beast::flat_buffer buffer;
    for (;;) {
      http::request<http::string_body> req;
      boost::system::error_code ec;
      co_await http::async_read(stream, buffer, req, asio::redirect_error(use_awaitable, ec));
      if (ec) co_return;
      RecordedRequest rec{std::string(req.method_string()), std::string(req.target()), req.body(),
                          std::string(req[http::field::authorization]), std::string(req[http::field::content_type]),
                          std::string(req["Metadata-Flavor"])};
      FakeResponse answer;
      {
        std::lock_guard lock(mutex_);
        requests_.push_back(rec);
      }
      answer = respond_(rec);
      if (answer.delay.count() > 0) {
        asio::steady_timer t(stream.get_executor(), answer.delay);
        co_await t.async_wait(asio::redirect_error(use_awaitable, ec));
      }
      http::response<http::string_body> res{static_cast<http::status>(answer.status), 11};
      res.set(http::field::content_type, "application/json");
      res.body() = answer.body;
      res.keep_alive(!answer.close);
      res.prepare_payload();
      co_await http::async_write(stream, res, asio::redirect_error(use_awaitable, ec));
      if (ec || answer.close) co_return;
    }
  }

  Respond respond_;
  asio::io_context ctx_{1};
  asio::ip::tcp::acceptor acceptor_{ctx_};
  std::thread thread_;
  std::uint16_t port_ = 0;
  mutable std::mutex mutex_;
  std::vector<RecordedRequest> requests_;
  std::atomic<std::size_t> connections_{0};
};

using testkit::free_port;

// A private Pub/Sub emulator (a JVM: 5-15 s to start). Never touches the shared one on 8085.
class EmulatorProcess {
 public:
  static constexpr const char* binary = "/usr/lib/google-cloud-sdk/platform/pubsub-emulator/bin/cloud-pubsub-emulator";

  explicit EmulatorProcess(std::uint16_t port) : port_(port) {}
  ~EmulatorProcess() { stop(); }

  std::uint16_t port() const { return port_; }

  // Starts it and waits until it accepts connections; false if it did not within `limit`.
  bool start(std::chrono::seconds limit = std::chrono::seconds(60)) {
    const std::string log = fmt::format("/tmp/vibework-pubsub-test-emulator-{}.log", port_);
    pid_ = fork();
    if (pid_ == 0) {
      setpgid(0, 0);
      std::FILE* out = std::freopen(log.c_str(), "w", stdout);
      (void)out;
      dup2(fileno(stdout), fileno(stderr));
      const std::string port_arg = fmt::format("--port={}", port_);
      execl(binary, binary, "--host=127.0.0.1", port_arg.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    if (pid_ < 0) return false;
    bool exited = false;
    const bool up = testkit::eventually(
        [&] {
          int status = 0;
          exited = waitpid(pid_, &status, WNOHANG) == pid_;
          return exited || ready();
        },
        limit, std::chrono::milliseconds(200));
    if (exited) pid_ = -1;
    return up && !exited;
  }

  void stop() {
    if (pid_ <= 0) return;
    kill(-pid_, SIGKILL);  // the emulator keeps nothing on disk; a hard stop is what we test
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    // Wait until the port is free again.
    (void)testkit::eventually([this] { return !accepting(); }, std::chrono::seconds(5), std::chrono::milliseconds(20));
  }

  // Answers the REST API (it accepts connections a little before it serves them).
  bool ready() const {
    namespace http = boost::beast::http;
    try {
      asio::io_context io;
      boost::beast::tcp_stream stream(io);
      stream.connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port_));
      http::request<http::string_body> req{http::verb::get, "/v1/projects/probe/topics", 11};
      req.set(http::field::host, "127.0.0.1");
      http::write(stream, req);
      boost::beast::flat_buffer buffer;
      http::response<http::string_body> res;
      http::read(stream, buffer, res);
      return res.result_int() == 200;
    } catch (const std::exception&) {
      return false;
    }
  }

  bool accepting() const {
    asio::io_context io;
    asio::ip::tcp::socket s(io);
    boost::system::error_code ec;
    s.connect({asio::ip::make_address("127.0.0.1"), port_}, ec);
    return !ec;
  }

 private:
  std::uint16_t port_;
  pid_t pid_ = -1;
};

}  // namespace vibework::pubsub::testing
