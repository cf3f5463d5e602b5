#pragma once
// Pool: mysql2's pool semantics (connection_limit, wait_for_connections, queue_limit) over
// Connections driven by MariaDB Connector/C's NON-BLOCKING API.
//
// Why non-blocking rather than the BlockingPool: a query is then one socket wait on the
// caller's own I/O thread, with no hand-off to a worker thread and back (two thread wake-ups per
// query saved), and about the same system calls as a blocking client; deadlines cancel the
// socket wait, so a hung server never pins a thread. The one blocking call left is the host name
// lookup inside connect (use an IP address or a hosts-file name for MYSQL_HOST in production).
// A connection's socket stays registered with the I/O thread that used it last, and idle
// connections wait in a list per I/O thread: acquire() takes one bound to the caller's thread
// and a lease hands it back there, so on the fast path two I/O threads share no lock or
// reference count (their cache lines would bounce between cores on every query). A thread
// with none idle takes one from another thread's list before opening a new connection.
//
//  - Connections are opened lazily, up to connection_limit, never while holding the lock, and at
//    most kMaxConcurrentConnects at a time (no reconnect storms).
//  - An idle connection is checked before reuse: its socket must have nothing to read (a KILL or
//    server restart leaves an error packet or EOF there), it is pinged after kValidateAfterIdle,
//    and it is closed once idle for idle_timeout or close to the server's wait_timeout.
//  - A connection that broke (deadline, lost server) is closed when returned and its slot freed;
//    the caller saw one failed query, the next acquire opens a fresh connection.
//  - Leases are RAII: a connection always returns to the pool.
#include <chrono>
#include <cstddef>
#include <memory>

#include "vibework/infra/asio.hpp"
#include "vibework/mysql/config.hpp"
#include "vibework/mysql/connection.hpp"

namespace vibework::infra::metrics {
class Registry;
}

namespace vibework::mysql {

struct PoolStats {
  std::size_t open = 0;        // connections open or being opened
  std::size_t idle = 0;
  std::size_t in_use = 0;
  std::size_t connecting = 0;
  std::size_t waiting = 0;     // acquires queued
  std::size_t opened_total = 0;     // connections ever opened (to observe replacements)
  std::size_t discarded_total = 0;  // connections thrown away because they broke or went stale
};

class Pool {
 public:
  struct State;
  struct Slot;  // a pooled connection and the pool it returns to
  static constexpr std::size_t kMaxConcurrentConnects = 4;
  static constexpr std::chrono::seconds kValidateAfterIdle{10};

  // A borrowed connection. Returns it to the pool when destroyed (or discards it if broken).
  class Lease {
   public:
    Lease() noexcept;
    explicit Lease(std::unique_ptr<Slot> slot) noexcept;
    Lease(Lease&&) noexcept;
    Lease& operator=(Lease&& other) noexcept;
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    ~Lease();

    Connection& operator*() const noexcept { return *conn_; }
    Connection* operator->() const noexcept { return conn_; }
    explicit operator bool() const noexcept { return conn_ != nullptr; }
    void reset() noexcept;

   private:
    std::unique_ptr<Slot> slot_;
    Connection* conn_ = nullptr;
  };

  explicit Pool(mysql::Config config);
  ~Pool();
  Pool(const Pool&) = delete;
  Pool& operator=(const Pool&) = delete;

  // Throws PoolExhaustedError ("all connections are in use") when waiting is off, the queue is
  // full or acquire_timeout passes; UnavailableError/TimeoutError when a new connection fails.
  awaitable<Lease> acquire();

  // Refuses new acquires, fails queued ones, waits up to `drain` for leases to come back (so
  // in-flight queries finish), then closes every connection. Idempotent.
  awaitable<void> close(std::chrono::milliseconds drain);

  PoolStats stats() const;
  const mysql::Config& config() const noexcept;

  // Records mysql_pool_* in `registry` (which must outlive the pool). Call before the first acquire.
  void attach_metrics(infra::metrics::Registry& registry);

 private:
  awaitable<Lease> acquire_untimed();
  static PoolStats stats_of(const State& state);
  std::shared_ptr<State> state_;
};

}  // namespace vibework::mysql
