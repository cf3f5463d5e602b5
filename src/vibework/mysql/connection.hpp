#pragma once
// Connection: one MariaDB Connector/C connection driven through the library's non-blocking API.
// Every call runs on the caller's I/O thread: the library does the protocol work and, when it
// would block, hands back the socket event it needs; we await that event on the socket through
// Asio and resume the library. Nothing blocks a thread and every wait has a deadline.
//
// A Connection is used by one coroutine at a time (the pool guarantees it). It keeps a cache of
// prepared statements keyed by SQL text. When anything breaks the connection (deadline, server
// gone, KILL), broken() turns true and the pool throws the connection away.
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "vibework/infra/asio.hpp"
#include "vibework/mysql/config.hpp"
#include "vibework/mysql/value.hpp"

namespace vibework::mysql {

using SteadyClock = std::chrono::steady_clock;

// When an operation must end, and what to say when it does not.
struct Deadline {
  SteadyClock::time_point at;
  std::chrono::milliseconds limit;
  std::string_view what;  // "query", "connect", "ping" ...

  static Deadline after(std::chrono::milliseconds limit, std::string_view what) {
    return {SteadyClock::now() + limit, limit, what};
  }
};

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  struct Impl;

  // Connects, authenticates and sets the session (utf8mb4, time_zone '+00:00', server-side
  // statement limit = query_timeout). Throws UnavailableError / TimeoutError naming the address.
  static awaitable<std::shared_ptr<Connection>> open(const mysql::Config& config);

  explicit Connection(std::unique_ptr<Impl> impl);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // A prepared statement (cached per connection) with bound parameters. Returns the rows, if
  // any, and the affected-row count / last insert id.
  awaitable<ResultSet> execute(std::string_view sql, const std::vector<Value>& params, Deadline deadline);
  // A statement over the text protocol, without parameters (migrations, BEGIN/COMMIT, SET ...).
  // Rows of the first result are returned; further results are drained.
  awaitable<ResultSet> execute_text(std::string_view sql, Deadline deadline);
  awaitable<void> ping(Deadline deadline);

  bool broken() const noexcept;
  // The io_context its socket is registered with (the last user's thread), or null.
  const asio::execution_context* bound_context() const noexcept;
  // Marks the connection unusable (e.g. a transaction was abandoned mid-way): the pool closes it
  // instead of reusing it, and the server rolls back whatever was open.
  void mark_broken() noexcept;
  // Cheap check without a round trip: an idle connection must have nothing to read. Data or EOF
  // on its socket means the server closed it (KILL, restart, wait_timeout).
  bool idle_socket_is_healthy() const noexcept;
  std::chrono::seconds server_wait_timeout() const noexcept;  // idle limit the server enforces
  std::size_t cached_statements() const noexcept;

  SteadyClock::time_point created_at() const noexcept;
  SteadyClock::time_point last_used() const noexcept;
  void touch(SteadyClock::time_point now) noexcept;  // the pool stamps it when the lease ends

  // Sends COM_QUIT (no answer is awaited) and closes the socket. Idempotent.
  void close() noexcept;

 private:
  std::unique_ptr<Impl> impl_;
};

// Server/client error numbers that mean the connection itself is gone.
bool is_connection_error(unsigned int mysql_errno) noexcept;

}  // namespace vibework::mysql
