#pragma once
// Connection: one TCP connection to Redis, owned by one io_context (one I/O thread).
//
//  - Pipelining: commands are appended to a write buffer and flushed once per turn of the
//    event loop, so many concurrent commands share one write() and one read().
//  - Replies are matched to commands in order (RESP is ordered); a deadline watchdog fails the
//    oldest command when its reply is late and then closes the connection, because after a
//    missed reply the stream can no longer be trusted (and the server may be hung). The
//    watchdog is one entry in the io_context's DeadlineSweep, for the oldest command's deadline.
//  - Reconnect: a supervisor coroutine connects (TCP, AUTH, SELECT, PING, all within the
//    connect timeout), reads until the connection breaks, then retries with capped
//    exponential backoff and jitter, forever, until close().
//  - While disconnected, commands fail at once with UnavailableError, or wait up to
//    offline_wait for the connection to come back.
//
// Internal to vibework_redis: every member except executor()/connected() must be called on
// executor(). Client hands commands over from other executors.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include "vibework/infra/asio.hpp"
#include "vibework/infra/async/backoff.hpp"
#include "vibework/infra/async/completion.hpp"
#include "vibework/infra/async/deadline_sweep.hpp"
#include "vibework/infra/metrics/registry.hpp"
#include "vibework/infra/errors.hpp"
#include "vibework/redis/protocol.hpp"
#include "vibework/redis/reply.hpp"

namespace vibework::redis {

// The server answered but refused AUTH, SELECT or PING: REDIS_URL is wrong, and retrying will
// not fix it (unlike a server that cannot be reached).
class ServerRefusedError : public infra::UnavailableError {
 public:
  using infra::UnavailableError::UnavailableError;
};

struct ConnectionOptions {
  std::string host = "localhost";
  std::uint16_t port = 6379;
  std::optional<std::string> username;
  std::optional<std::string> password;
  int db = 0;
  std::chrono::milliseconds connect_timeout{3'000};
  std::chrono::milliseconds command_timeout{2'000};
  std::chrono::milliseconds reconnect_min{50};
  std::chrono::milliseconds reconnect_max{1'000};
  std::chrono::milliseconds offline_wait{0};
  std::string name = "redis";  // for logs: "redis#0", "redis-subscriber"
  // Pub/sub mode: "message"/"pmessage" arrays go to on_push instead of to a waiting command.
  bool subscriber = false;
};

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  using Executor = asio::io_context::executor_type;
  using ReplyCompletion = infra::Completion<Reply>;

  Connection(Executor ex, ConnectionOptions options);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  const Executor& executor() const noexcept { return ex_; }
  // Safe from any thread (a hint: the state may change right after).
  bool connected() const noexcept { return connected_.load(std::memory_order_relaxed); }
  std::string address() const;

  // --- on executor() only ------------------------------------------------------------------
  // Hooks (set before start()): on_connected runs after each successful handshake, before
  // queued commands are sent; on_push receives pub/sub messages.
  void set_on_connected(std::function<void()> fn) { on_connected_ = std::move(fn); }
  void set_on_push(std::function<void(Reply&&)> fn) { on_push_ = std::move(fn); }
  // Counts each connect after the first (set before start(); default: records nothing).
  void set_reconnect_counter(infra::metrics::Counter counter) { reconnects_ = counter; }

  void start();  // spawns the supervisor (connects in the background)

  // Queues `bytes` (one or more encoded commands) expecting `replies` replies. The completion
  // gets the reply (an array of them when replies > 1), or UnavailableError / TimeoutError.
  void submit(std::string_view bytes, std::uint32_t replies, std::unique_ptr<ReplyCompletion> done);
  awaitable<Reply> execute(std::string bytes, std::uint32_t replies = 1);

  // Waits until connected or `limit` passed; returns connected().
  awaitable<bool> wait_connected(std::chrono::milliseconds limit);
  // Graceful: new commands are refused, pending replies are awaited (each bounded by the
  // command timeout), then QUIT, then the socket is closed and the supervisor ends.
  awaitable<void> close();
  // Immediate: fails everything queued and closes the socket.
  void abort();

 private:
  struct Pending {
    std::unique_ptr<ReplyCompletion> done;
    std::uint32_t expected = 1;
    std::vector<Reply> collected;
    std::chrono::steady_clock::time_point deadline;
  };
  struct Waiting {
    std::string bytes;
    std::uint32_t expected = 1;
    std::unique_ptr<ReplyCompletion> done;
    std::chrono::steady_clock::time_point deadline;
  };

  awaitable<void> supervise();
  awaitable<void> connect_once();
  awaitable<Reply> read_one();
  awaitable<void> read_loop();
  void dispatch(Reply&& reply);
  void enqueue(std::string_view bytes, std::uint32_t replies, std::unique_ptr<ReplyCompletion> done);
  void schedule_flush();
  void flush();
  // Keeps the watchdog scheduled for the earliest deadline of pending_ and waiting_.
  void arm_watchdog();
  void on_watchdog();
  void fail_pending(const std::exception_ptr& error);
  void fail_waiting(const std::exception_ptr& error);
  void promote_waiting();
  void close_socket();
  std::exception_ptr unavailable_error() const;

  Executor ex_;
  ConnectionOptions options_;
  asio::ip::tcp::resolver resolver_;
  asio::ip::tcp::socket socket_;
  ReplyParser parser_;
  std::vector<char> read_buffer_;
  std::string out_;      // commands not yet written
  std::string sending_;  // the batch being written
  bool writing_ = false;
  bool flush_scheduled_ = false;

  std::deque<Pending> pending_;
  std::deque<Waiting> waiting_;

  struct Watchdog final : infra::DeadlineSweep::Entry {
    explicit Watchdog(Connection& c) : owner(c) {}
    Connection& owner;
    void on_deadline() override;
  };
  infra::DeadlineSweep& deadlines_;  // of ex_'s io_context
  Watchdog watchdog_{*this};

  asio::steady_timer connect_guard_;
  bool connect_timed_out_ = false;
  asio::steady_timer backoff_timer_;
  asio::steady_timer state_changed_;  // broadcast: connected, drained or stopped
  std::atomic<bool> connected_{false};
  bool closing_ = false;
  bool supervisor_running_ = false;
  std::string last_error_ = "not connected yet";
  std::string last_hint_{infra::hints::start_local_services};
  bool last_refused_ = false;  // the last connect failed because the server refused AUTH/SELECT/PING
  std::string close_reason_;  // set when we close the socket on purpose (timeout)
  infra::Backoff backoff_;  // reconnect delays; reset on each successful connect

  std::function<void()> on_connected_;
  infra::metrics::Counter reconnects_;
  std::function<void(Reply&&)> on_push_;
};

}  // namespace vibework::redis
