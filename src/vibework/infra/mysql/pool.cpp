#include "vibework/infra/mysql/pool.hpp"

#include <algorithm>
#include <deque>
#include <exception>
#include <iterator>
#include <list>
#include <mutex>
#include <optional>
#include <vector>

#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/system/system_error.hpp>
#include <fmt/format.h>

#include "vibework/infra/errors.hpp"

namespace vibework::mysql {

using infra::PoolExhaustedError;
using infra::UnavailableError;

namespace {
// What a queued acquire is handed: a connection, or the right to open one.
struct Waiter {
  explicit Waiter(const asio::any_io_executor& ex) : executor(ex), timer(ex) {}
  asio::any_io_executor executor;
  asio::steady_timer timer;            // touched only on `executor`
  std::shared_ptr<Connection> connection;  // granted under the lock
  bool slot = false;                   // granted: may open a new connection
  bool closed = false;                 // the pool closed while waiting
  bool connect_only = false;           // waiting is off: wait for a connect slot, never for a busy connection
  bool rejected = false;               // connect_only and the pool filled up
};

void wake(const std::shared_ptr<Waiter>& w) {
  // expires_at(min) wakes a pending wait and makes a wait that has not started yet return at once.
  asio::post(w->executor, [w] { w->timer.expires_at(SteadyClock::time_point::min()); });
}
}  // namespace

struct Pool::State {
  explicit State(infra::MysqlConfig c) : config(std::move(c)) {}
  infra::MysqlConfig config;
  mutable std::mutex mutex;
  std::deque<std::shared_ptr<Connection>> idle;  // back = most recently used
  std::list<std::shared_ptr<Waiter>> waiters;
  std::size_t open = 0;  // includes connections being opened
  std::size_t connecting = 0;
  std::size_t opened_total = 0;
  std::size_t discarded_total = 0;
  bool closing = false;

  // How long a connection may sit idle: idle_timeout, and always well before the server's
  // wait_timeout would close it under us.
  std::chrono::milliseconds max_idle(const Connection& c) const {
    const auto server = std::chrono::duration_cast<std::chrono::milliseconds>(c.server_wait_timeout()) * 3 / 4;
    return server.count() > 0 ? std::min(config.idle_timeout, server) : config.idle_timeout;
  }

  // Hands idle connections and free slots to queued acquires. Caller holds the lock.
  void dispatch_locked() {
    while (!waiters.empty()) {
      auto& w = waiters.front();
      if (!idle.empty()) {
        w->connection = std::move(idle.back());
        idle.pop_back();
      } else if (open < config.connection_limit && connecting < kMaxConcurrentConnects) {
        ++open;
        ++connecting;
        w->slot = true;
      } else if (w->connect_only && open >= config.connection_limit) {
        w->rejected = true;
      } else {
        return;
      }
      wake(w);
      waiters.pop_front();
    }
  }

  // Takes idle connections that stayed idle too long out of the pool. Caller holds the lock.
  void collect_stale_locked(SteadyClock::time_point now, std::vector<std::shared_ptr<Connection>>& out) {
    while (!idle.empty() && now - idle.front()->last_used() > max_idle(*idle.front())) {
      out.push_back(std::move(idle.front()));
      idle.pop_front();
      --open;
      ++discarded_total;
    }
  }

  void discard(std::shared_ptr<Connection> conn) {
    conn->close();
    std::lock_guard lock(mutex);
    --open;
    ++discarded_total;
    dispatch_locked();
  }

  void give_back(std::shared_ptr<Connection> conn) {
    if (conn->broken()) {
      discard(std::move(conn));
      return;
    }
    const auto now = SteadyClock::now();
    conn->touch(now);
    std::vector<std::shared_ptr<Connection>> stale;
    {
      std::lock_guard lock(mutex);
      if (!closing) {
        idle.push_back(std::move(conn));
        collect_stale_locked(now, stale);
        dispatch_locked();
        conn.reset();
      } else {
        --open;
      }
    }
    if (conn) conn->close();
    for (auto& s : stale) s->close();
  }

  void give_back_slot() {
    std::lock_guard lock(mutex);
    --open;
    dispatch_locked();
  }

  [[noreturn]] void throw_exhausted(std::string why) const {
    throw PoolExhaustedError(
        "mysql", "all connections are in use: " + std::move(why),
        fmt::format("raise MYSQL_POOL_SIZE (now {}) or MYSQL_ACQUIRE_TIMEOUT_MS, and look for leaked connections "
                    "(a transaction or lease held across a slow call)",
                    config.connection_limit));
  }
};

Pool::Lease& Pool::Lease::operator=(Lease&& other) noexcept {
  if (this != &other) {
    reset();
    pool_ = std::move(other.pool_);
    conn_ = std::move(other.conn_);
  }
  return *this;
}

void Pool::Lease::reset() noexcept {
  if (conn_ && pool_) {
    try {
      pool_->give_back(std::move(conn_));
    } catch (...) {
      // give_back only allocates; nothing sensible to do if that fails
    }
  }
  conn_.reset();
  pool_.reset();
}

Pool::Pool(infra::MysqlConfig config) : state_(std::make_shared<State>(std::move(config))) {}

Pool::~Pool() {
  std::deque<std::shared_ptr<Connection>> idle;
  {
    std::lock_guard lock(state_->mutex);
    state_->closing = true;
    idle.swap(state_->idle);
    state_->open -= idle.size();
  }
  for (auto& c : idle) c->close();
}

const infra::MysqlConfig& Pool::config() const noexcept { return state_->config; }

PoolStats Pool::stats() const {
  std::lock_guard lock(state_->mutex);
  PoolStats s;
  s.open = state_->open;
  s.idle = state_->idle.size();
  s.connecting = state_->connecting;
  s.in_use = s.open - s.idle - s.connecting;
  s.waiting = state_->waiters.size();
  s.opened_total = state_->opened_total;
  s.discarded_total = state_->discarded_total;
  return s;
}

awaitable<Pool::Lease> Pool::acquire() {
  State& st = *state_;
  const auto& cfg = st.config;
  auto ex = co_await asio::this_coro::executor;
  SteadyClock::time_point now;
  std::optional<SteadyClock::time_point> started;  // of the first wait in the queue

  for (;;) {
    std::shared_ptr<Connection> conn;
    bool slot = false;
    std::shared_ptr<Waiter> waiter;
    std::vector<std::shared_ptr<Connection>> stale;
    {
      std::lock_guard lock(st.mutex);
      if (st.closing) {
        throw UnavailableError("mysql", "the connection pool is closed (the service is shutting down)");
      }
      now = SteadyClock::now();
      st.collect_stale_locked(now, stale);
      if (!st.idle.empty()) {
        // Prefer the most recently used connection already bound to this I/O thread.
        auto pick = std::prev(st.idle.end());
        for (auto it = st.idle.rbegin(); it != st.idle.rend(); ++it) {
          if ((*it)->bound_to(ex)) {
            pick = std::prev(it.base());
            break;
          }
        }
        conn = std::move(*pick);
        st.idle.erase(pick);
      } else if (st.open < cfg.connection_limit && st.connecting < kMaxConcurrentConnects) {
        ++st.open;
        ++st.connecting;
        slot = true;
      } else if (!cfg.wait_for_connections && st.open >= cfg.connection_limit) {
        // (Below the limit, a caller only waits for one of the capped connects to finish.)
        st.throw_exhausted(fmt::format("{} of {} connections busy and MYSQL_WAIT_FOR_CONNECTIONS=false",
                                       st.open, cfg.connection_limit));
      } else if (cfg.queue_limit != 0 && st.waiters.size() >= cfg.queue_limit) {
        st.throw_exhausted(fmt::format("{} connections busy and the wait queue is full ({} waiting, MYSQL_QUEUE_LIMIT)",
                                       cfg.connection_limit, st.waiters.size()));
      } else {
        waiter = std::make_shared<Waiter>(ex);
        waiter->connect_only = !cfg.wait_for_connections;
        st.waiters.push_back(waiter);
      }
    }
    for (auto& s : stale) s->close();

    if (waiter) {
      if (!started) started = now;
      const auto deadline = *started + cfg.acquire_timeout;
      boost::system::error_code ec;
      waiter->timer.expires_at(deadline);
      co_await waiter->timer.async_wait(asio::redirect_error(use_awaitable, ec));
      {
        std::lock_guard lock(st.mutex);
        if (waiter->connection) {
          conn = std::move(waiter->connection);
        } else if (waiter->slot) {
          slot = true;
        } else {
          st.waiters.remove(waiter);
          if (waiter->rejected) {
            st.throw_exhausted(fmt::format("{} of {} connections busy and MYSQL_WAIT_FOR_CONNECTIONS=false", st.open,
                                           cfg.connection_limit));
          }
          if (waiter->closed || st.closing) {
            throw UnavailableError("mysql", "the connection pool closed while waiting for a connection");
          }
          if (SteadyClock::now() >= deadline) {
            st.throw_exhausted(fmt::format(
                "waited {} ms for one of {}",
                std::chrono::duration_cast<std::chrono::milliseconds>(SteadyClock::now() - *started).count(),
                cfg.connection_limit));
          }
          if (ec == asio::error::operation_aborted) throw boost::system::system_error(ec);  // caller cancelled
          continue;  // spurious wake: queue again
        }
      }
    }

    if (slot) {
      std::shared_ptr<Connection> fresh;
      std::exception_ptr failure;
      try {
        fresh = co_await Connection::open(cfg);
      } catch (...) {
        failure = std::current_exception();
      }
      {
        std::lock_guard lock(st.mutex);
        --st.connecting;
        if (fresh) {
          ++st.opened_total;
          st.dispatch_locked();  // a connect slot is free for the next waiter
        }
      }
      if (failure) {
        st.give_back_slot();
        std::rethrow_exception(failure);
      }
      co_return Lease(state_, std::move(fresh));
    }

    // An idle connection: make sure the server did not drop it while it sat in the pool.
    const auto idle_for = now - conn->last_used();
    if (!conn->idle_socket_is_healthy() || idle_for > st.max_idle(*conn)) {
      st.discard(std::move(conn));
      continue;
    }
    if (idle_for > kValidateAfterIdle) {
      bool alive = true;
      try {
        co_await conn->ping(Deadline::after(cfg.connect_timeout, "ping"));
      } catch (...) {
        alive = false;
      }
      if (!alive) {
        st.discard(std::move(conn));
        continue;
      }
    }
    co_return Lease(state_, std::move(conn));
  }
}

awaitable<void> Pool::close(std::chrono::milliseconds drain) {
  State& st = *state_;
  std::list<std::shared_ptr<Waiter>> waiters;
  {
    std::lock_guard lock(st.mutex);
    st.closing = true;
    waiters.swap(st.waiters);
    for (auto& w : waiters) w->closed = true;
  }
  for (auto& w : waiters) wake(w);

  // Let in-flight queries finish: leases come back and are closed by give_back.
  asio::steady_timer tick(co_await asio::this_coro::executor);
  const auto until = SteadyClock::now() + drain;
  for (;;) {
    std::deque<std::shared_ptr<Connection>> idle;
    std::size_t busy = 0;
    {
      std::lock_guard lock(st.mutex);
      idle.swap(st.idle);
      st.open -= idle.size();
      busy = st.open;
    }
    for (auto& c : idle) c->close();
    if (busy == 0 || SteadyClock::now() >= until) break;
    tick.expires_after(std::chrono::milliseconds(10));
    boost::system::error_code ec;
    co_await tick.async_wait(asio::redirect_error(use_awaitable, ec));
  }
}

}  // namespace vibework::mysql
