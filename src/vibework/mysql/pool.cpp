#include "vibework/mysql/pool.hpp"

#include <array>
#include <algorithm>
#include <atomic>
#include <deque>
#include <exception>
#include <mutex>
#include <optional>
#include <utility>
#include <vector>

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <fmt/format.h>

#include "vibework/infra/async/waiter_queue.hpp"
#include "vibework/infra/errors.hpp"
#include "vibework/infra/metrics/registry.hpp"

namespace vibework::mysql {

using infra::PoolExhaustedError;
using infra::UnavailableError;

// A connection of the pool. The reference to the pool is taken once, when the connection is
// opened: leases move slots around and never touch a reference count shared between threads.
struct Pool::Slot {
  std::shared_ptr<State> pool;
  std::shared_ptr<Connection> conn;
};

namespace {
using SlotPtr = std::unique_ptr<Pool::Slot>;

// What a queued acquire is handed: a connection, or the right to open one, or (waiting is off:
// it only waited for a connect slot, never for a busy connection) a refusal.
struct Grant {
  SlotPtr connection;
  bool slot = false;
  bool rejected = false;  // the pool filled up meanwhile
};
// Queued acquires; each names its io_context: connections bound there are preferred.
using Waiters = infra::WaiterQueue<Grant, const asio::execution_context*>;

// The idle connections bound to one io_context. Its own thread takes the mutex on every
// acquire and return; other threads only when they run out (steal) or the pool closes.
struct Shard {
  std::atomic<const asio::execution_context*> context{nullptr};
  mutable std::mutex mutex;
  std::deque<SlotPtr> idle;  // back = most recently used
};
}  // namespace

struct Pool::State {
  explicit State(mysql::Config c) : config(std::move(c)) {}
  mysql::Config config;

  // One shard per io_context, up to kShards; more io_contexts share the last one.
  static constexpr std::size_t kShards = 16;
  std::array<Shard, kShards> shards;
  std::atomic<std::size_t> shard_count{0};

  // Everything else: opening, waiting, closing, counters.
  mutable std::mutex mutex;
  Waiters waiters{mutex};
  std::atomic<std::size_t> waiting{0};  // acquires in the slow path or queued; read by give_back without the lock
  std::atomic<bool> closing{false};
  std::size_t open = 0;  // includes connections being opened
  std::size_t connecting = 0;
  std::size_t opened_total = 0;
  std::size_t discarded_total = 0;

  // attach_metrics(); default handles record nothing.
  struct Metrics {
    infra::metrics::Histogram acquire_wait;
    infra::metrics::Counter acquire_timeouts;
    infra::metrics::Counter connect_errors;
    std::vector<infra::metrics::Registration> gauges;
  } metrics;

  // How long a connection may sit idle: idle_timeout, and always well before the server's
  // wait_timeout would close it under us.
  std::chrono::milliseconds max_idle(const Connection& c) const {
    const auto server = std::chrono::duration_cast<std::chrono::milliseconds>(c.server_wait_timeout()) * 3 / 4;
    return server.count() > 0 ? std::min(config.idle_timeout, server) : config.idle_timeout;
  }
  bool is_stale(const Slot& s, SteadyClock::time_point now) const {
    return now - s.conn->last_used() > max_idle(*s.conn);
  }

  // The shard registered for `ctx`, or null. Needs no lock: shards are only ever added.
  Shard* find_shard(const asio::execution_context* ctx) {
    const std::size_t n = shard_count.load(std::memory_order_acquire);
    for (std::size_t i = 0; i < n; ++i) {
      if (shards[i].context.load(std::memory_order_relaxed) == ctx) return &shards[i];
    }
    return nullptr;
  }

  // The shard for `ctx`, registering one when it has none. Caller must not hold the lock.
  Shard& shard_for(const asio::execution_context* ctx) {
    if (Shard* s = find_shard(ctx)) return *s;
    std::lock_guard lock(mutex);
    if (Shard* s = find_shard(ctx)) return *s;  // registered meanwhile
    const std::size_t m = shard_count.load(std::memory_order_relaxed);
    if (m == kShards) return shards[kShards - 1];
    shards[m].context.store(ctx, std::memory_order_relaxed);
    shard_count.store(m + 1, std::memory_order_release);
    return shards[m];
  }

  // Moves the connections idle for too long (the front) to `stale`. Caller holds shard.mutex.
  void collect_stale(Shard& shard, SteadyClock::time_point now, std::vector<SlotPtr>& stale) const {
    while (!shard.idle.empty() && is_stale(*shard.idle.front(), now)) {
      stale.push_back(std::move(shard.idle.front()));
      shard.idle.pop_front();
    }
  }

  // The most recently used idle connection of `shard`; stale ones at the front are moved to
  // `stale` (the caller counts them, under the lock, with forget_stale_locked).
  SlotPtr take_from(Shard& shard, SteadyClock::time_point now, std::vector<SlotPtr>& stale) {
    std::lock_guard lock(shard.mutex);
    collect_stale(shard, now, stale);
    if (shard.idle.empty()) return nullptr;
    SlotPtr s = std::move(shard.idle.back());
    shard.idle.pop_back();
    return s;
  }

  // An idle connection from any shard, `preferred` first. Stale ones found on the way are
  // moved to `stale` and counted as closed. Caller holds the lock.
  SlotPtr take_any_locked(Shard* preferred, SteadyClock::time_point now, std::vector<SlotPtr>& stale) {
    const std::size_t before = stale.size();
    SlotPtr found = preferred ? take_from(*preferred, now, stale) : nullptr;
    const std::size_t n = shard_count.load(std::memory_order_acquire);
    for (std::size_t i = 0; !found && i < n; ++i) {
      if (&shards[i] != preferred) found = take_from(shards[i], now, stale);
    }
    forget_stale_locked(stale.size() - before);
    return found;
  }

  // Hands idle connections and free slots to queued acquires. Caller holds the lock.
  void dispatch_locked(std::vector<SlotPtr>& stale) {
    const auto now = SteadyClock::now();
    while (!waiters.empty()) {
      Grant grant;
      if (SlotPtr s = take_any_locked(find_shard(waiters.front_need()), now, stale)) {
        grant.connection = std::move(s);
      } else if (open < config.connection_limit && connecting < kMaxConcurrentConnects) {
        ++open;
        ++connecting;
        grant.slot = true;
      } else if (!config.wait_for_connections && open >= config.connection_limit) {
        grant.rejected = true;
      } else {
        break;
      }
      waiters.grant_front(std::move(grant));
    }
    waiting.store(waiters.size(), std::memory_order_seq_cst);
  }

  // Counts stale connections taken out of the shards as closed. Caller holds the lock.
  void forget_stale_locked(std::size_t count) {
    open -= count;
    discarded_total += count;
  }

  // Closes connections outside every lock (COM_QUIT is one small write).
  static void close_all(std::vector<SlotPtr>& slots) {
    for (auto& s : slots) s->conn->close();
    slots.clear();
  }

  void discard(SlotPtr slot) {
    slot->conn->close();
    std::vector<SlotPtr> stale;
    {
      std::lock_guard lock(mutex);
      --open;
      ++discarded_total;
      dispatch_locked(stale);
    }
    close_all(stale);
  }

  void give_back(SlotPtr slot) {
    if (slot->conn->broken()) {
      discard(std::move(slot));
      return;
    }
    if (closing.load(std::memory_order_acquire)) {
      slot->conn->close();
      std::lock_guard lock(mutex);
      --open;
      return;
    }
    const auto now = SteadyClock::now();
    slot->conn->touch(now);
    Shard& shard = shard_for(slot->conn->bound_context());
    std::vector<SlotPtr> stale;
    {
      std::lock_guard lock(shard.mutex);
      shard.idle.push_back(std::move(slot));
      collect_stale(shard, now, stale);
    }
    // An acquire in the slow path announces itself in `waiting` before it looks at the shards
    // (under their mutexes): either it sees the connection just returned, or this sees it.
    if (stale.empty() && waiting.load(std::memory_order_seq_cst) == 0 && !closing.load(std::memory_order_acquire)) {
      return;  // the fast path
    }
    {
      std::lock_guard lock(mutex);
      forget_stale_locked(stale.size());
      if (closing.load(std::memory_order_relaxed)) {
        // close() may have swept this shard before the push: take back what is left.
        take_idle_locked(shard, stale);
      } else {
        dispatch_locked(stale);
      }
    }
    close_all(stale);  // may release the last reference to this state: nothing after it
  }

  void give_back_slot() {
    std::vector<SlotPtr> stale;
    {
      std::lock_guard lock(mutex);
      --open;
      dispatch_locked(stale);
    }
    close_all(stale);
  }

  // Takes every idle connection of `shard` out of the pool, into `out`. Caller holds the lock.
  void take_idle_locked(Shard& shard, std::vector<SlotPtr>& out) {
    std::lock_guard shard_lock(shard.mutex);
    open -= shard.idle.size();
    for (auto& s : shard.idle) out.push_back(std::move(s));
    shard.idle.clear();
  }

  // Takes every idle connection out of the pool. Caller holds the lock.
  std::vector<SlotPtr> take_all_idle_locked() {
    std::vector<SlotPtr> out;
    const std::size_t n = shard_count.load(std::memory_order_acquire);
    for (std::size_t i = 0; i < n; ++i) take_idle_locked(shards[i], out);
    return out;
  }

  [[noreturn]] void throw_exhausted(std::string why) const {
    throw PoolExhaustedError(
        "mysql", "all connections are in use: " + std::move(why),
        fmt::format("raise MYSQL_POOL_SIZE (now {}) or MYSQL_ACQUIRE_TIMEOUT_MS, and look for leaked connections "
                    "(a transaction or lease held across a slow call)",
                    config.connection_limit));
  }
};

Pool::Lease::Lease() noexcept = default;
Pool::Lease::Lease(std::unique_ptr<Slot> slot) noexcept : slot_(std::move(slot)), conn_(slot_->conn.get()) {}
Pool::Lease::Lease(Lease&& other) noexcept : slot_(std::move(other.slot_)), conn_(std::exchange(other.conn_, nullptr)) {}

Pool::Lease::~Lease() { reset(); }

Pool::Lease& Pool::Lease::operator=(Lease&& other) noexcept {
  if (this != &other) {
    reset();
    slot_ = std::move(other.slot_);
    conn_ = std::exchange(other.conn_, nullptr);
  }
  return *this;
}

void Pool::Lease::reset() noexcept {
  conn_ = nullptr;
  if (!slot_) return;
  State* pool = slot_->pool.get();
  try {
    pool->give_back(std::move(slot_));
  } catch (...) {
    // give_back only allocates; nothing sensible to do if that fails
  }
  slot_.reset();
}

Pool::Pool(mysql::Config config) : state_(std::make_shared<State>(std::move(config))) {}

Pool::~Pool() {
  std::vector<SlotPtr> idle;
  {
    std::lock_guard lock(state_->mutex);
    state_->closing.store(true, std::memory_order_release);
    idle = state_->take_all_idle_locked();
  }
  // Idle slots hold the state; closing them here breaks that cycle. Leases still out close
  // their connection when they come back.
  State::close_all(idle);
}

const mysql::Config& Pool::config() const noexcept { return state_->config; }

PoolStats Pool::stats() const { return stats_of(*state_); }

PoolStats Pool::stats_of(const State& state) {
  std::lock_guard lock(state.mutex);
  PoolStats s;
  s.open = state.open;
  const std::size_t n = state.shard_count.load(std::memory_order_acquire);
  for (std::size_t i = 0; i < n; ++i) {
    std::lock_guard shard_lock(state.shards[i].mutex);
    s.idle += state.shards[i].idle.size();
  }
  s.connecting = state.connecting;
  s.in_use = s.open - s.idle - s.connecting;
  s.waiting = state.waiters.size();
  s.opened_total = state.opened_total;
  s.discarded_total = state.discarded_total;
  return s;
}

awaitable<Pool::Lease> Pool::acquire() {
  const auto started = infra::metrics::now_ticks();
  std::optional<Lease> lease;
  std::exception_ptr failure;
  try {
    lease.emplace(co_await acquire_untimed());
  } catch (const PoolExhaustedError&) {
    state_->metrics.acquire_timeouts.inc();
    failure = std::current_exception();
  } catch (...) {
    failure = std::current_exception();
  }
  state_->metrics.acquire_wait.observe_since(started);
  if (failure) std::rethrow_exception(failure);
  co_return std::move(*lease);
}

void Pool::attach_metrics(infra::metrics::Registry& r) {
  auto& m = state_->metrics;
  m.acquire_wait = r.histogram("mysql_pool_acquire_wait_seconds", "Time to get a pooled MySQL connection (or fail to).",
                               infra::metrics::buckets::latency_seconds());
  m.acquire_timeouts = r.counter("mysql_pool_acquire_timeouts_total",
                                 "Acquires that failed with every connection busy (timed out, queue full or not waiting).");
  m.connect_errors = r.counter("mysql_connection_errors_total", "New MySQL connections that failed to open.");
  // Read at scrape time, from the pool's own counters.
  std::weak_ptr<State> weak = state_;
  auto stat = [weak](std::size_t PoolStats::*field) {
    return [weak, field] {
      const auto st = weak.lock();
      if (!st) return 0.0;
      return static_cast<double>(Pool::stats_of(*st).*field);
    };
  };
  const std::string conns = "MySQL pool connections by state (in_use + idle + connecting = open).";
  m.gauges.push_back(r.gauge_callback("mysql_pool_connections", conns, {"state"}, {"in_use"}, stat(&PoolStats::in_use)));
  m.gauges.push_back(r.gauge_callback("mysql_pool_connections", conns, {"state"}, {"idle"}, stat(&PoolStats::idle)));
  m.gauges.push_back(
      r.gauge_callback("mysql_pool_connections", conns, {"state"}, {"connecting"}, stat(&PoolStats::connecting)));
  m.gauges.push_back(r.gauge_callback("mysql_pool_size", "MySQL pool connections at most (MYSQL_POOL_SIZE).",
                                      [limit = state_->config.connection_limit] { return static_cast<double>(limit); }));
  m.gauges.push_back(r.gauge_callback("mysql_pool_waiters", "Acquires queued for a MySQL connection.",
                                      stat(&PoolStats::waiting)));
  m.gauges.push_back(r.counter_callback("mysql_connections_opened_total", "MySQL connections opened by the pool.",
                                        stat(&PoolStats::opened_total)));
  m.gauges.push_back(r.counter_callback("mysql_connections_replaced_total",
                                        "MySQL connections discarded (broken, stale or dropped by the server); the next "
                                        "acquire opens a fresh one.",
                                        stat(&PoolStats::discarded_total)));
}

awaitable<Pool::Lease> Pool::acquire_untimed() {
  State& st = *state_;
  const auto& cfg = st.config;
  auto ex = co_await asio::this_coro::executor;
  const asio::execution_context* ctx = &asio::query(ex, asio::execution::context);
  Shard& home = st.shard_for(ctx);
  std::optional<SteadyClock::time_point> started;  // of the first wait in the queue

  for (;;) {
    if (st.closing.load(std::memory_order_acquire)) {
      throw UnavailableError("mysql", "the connection pool is closed (the service is shutting down)");
    }
    auto now = SteadyClock::now();
    std::vector<SlotPtr> stale;
    SlotPtr conn = st.take_from(home, now, stale);  // the fast path: this thread's own list
    bool slot = false;
    Waiters::Ticket ticket;
    bool queued = false;
    if (!conn || !stale.empty()) {
      std::lock_guard lock(st.mutex);
      st.forget_stale_locked(stale.size());
      if (st.closing.load(std::memory_order_relaxed)) {
        if (conn) stale.push_back(std::move(conn));
        State::close_all(stale);
        throw UnavailableError("mysql", "the connection pool is closed (the service is shutting down)");
      }
      if (!conn) {
        // Announce the wait before looking at the other threads' lists (see give_back).
        st.waiting.store(st.waiters.size() + 1, std::memory_order_seq_cst);
        conn = st.take_any_locked(nullptr, now, stale);
        if (!conn) {
          if (st.open < cfg.connection_limit && st.connecting < kMaxConcurrentConnects) {
            ++st.open;
            ++st.connecting;
            slot = true;
          } else if (!cfg.wait_for_connections && st.open >= cfg.connection_limit) {
            // (Below the limit, a caller only waits for one of the capped connects to finish.)
            st.waiting.store(st.waiters.size(), std::memory_order_seq_cst);
            State::close_all(stale);
            st.throw_exhausted(fmt::format("{} of {} connections busy and MYSQL_WAIT_FOR_CONNECTIONS=false", st.open,
                                           cfg.connection_limit));
          } else if (cfg.queue_limit != 0 && st.waiters.size() >= cfg.queue_limit) {
            st.waiting.store(st.waiters.size(), std::memory_order_seq_cst);
            State::close_all(stale);
            st.throw_exhausted(fmt::format(
                "{} connections busy and the wait queue is full ({} waiting, MYSQL_QUEUE_LIMIT)",
                cfg.connection_limit, st.waiters.size()));
          } else {
            if (!started) started = now;
            ticket = st.waiters.push(ex, *started + cfg.acquire_timeout, ctx);
            queued = true;
          }
        }
        st.waiting.store(st.waiters.size(), std::memory_order_seq_cst);
      }
    }
    State::close_all(stale);

    if (queued) {
      std::optional<Waiters::Outcome> outcome;
      std::exception_ptr cancelled;  // the caller was cancelled while queued
      try {
        outcome = co_await st.waiters.wait(std::move(ticket));
      } catch (...) {
        cancelled = std::current_exception();
      }
      {
        std::lock_guard lock(st.mutex);
        st.waiting.store(st.waiters.size(), std::memory_order_seq_cst);
        if (cancelled) std::rethrow_exception(cancelled);
        if (outcome->how == infra::Woken::granted && outcome->grant->rejected) {
          st.throw_exhausted(fmt::format("{} of {} connections busy and MYSQL_WAIT_FOR_CONNECTIONS=false", st.open,
                                         cfg.connection_limit));
        }
        if (outcome->how == infra::Woken::closed ||
            (outcome->how == infra::Woken::timed_out && st.closing.load(std::memory_order_relaxed))) {
          throw UnavailableError("mysql", "the connection pool closed while waiting for a connection");
        }
        if (outcome->how == infra::Woken::timed_out) {
          st.throw_exhausted(fmt::format(
              "waited {} ms for one of {}",
              std::chrono::duration_cast<std::chrono::milliseconds>(SteadyClock::now() - *started).count(),
              cfg.connection_limit));
        }
      }
      if (outcome->grant->connection) {
        conn = std::move(outcome->grant->connection);
      } else {
        slot = true;
      }
      now = SteadyClock::now();
    }

    if (slot) {
      std::shared_ptr<Connection> fresh;
      std::exception_ptr failure;
      try {
        fresh = co_await Connection::open(cfg);
      } catch (...) {
        failure = std::current_exception();
      }
      if (failure) {
        st.metrics.connect_errors.inc();
        {
          std::lock_guard lock(st.mutex);
          --st.connecting;
        }
        st.give_back_slot();
        std::rethrow_exception(failure);
      }
      std::vector<SlotPtr> more;
      {
        std::lock_guard lock(st.mutex);
        --st.connecting;
        ++st.opened_total;
        st.dispatch_locked(more);  // a connect slot is free for the next waiter
      }
      State::close_all(more);
      co_return Lease(std::make_unique<Slot>(Slot{state_, std::move(fresh)}));
    }

    // An idle connection: make sure the server did not drop it while it sat in the pool.
    const auto idle_for = now - conn->conn->last_used();
    if (!conn->conn->idle_socket_is_healthy() || idle_for > st.max_idle(*conn->conn)) {
      st.discard(std::move(conn));
      continue;
    }
    if (idle_for > kValidateAfterIdle) {
      bool alive = true;
      try {
        co_await conn->conn->ping(Deadline::after(cfg.connect_timeout, "ping"));
      } catch (...) {
        alive = false;
      }
      if (!alive) {
        st.discard(std::move(conn));
        continue;
      }
    }
    co_return Lease(std::move(conn));
  }
}

awaitable<void> Pool::close(std::chrono::milliseconds drain) {
  State& st = *state_;
  {
    std::lock_guard lock(st.mutex);
    st.closing.store(true, std::memory_order_release);
    st.waiters.close();
    st.waiting.store(0, std::memory_order_seq_cst);
  }

  // Let in-flight queries finish: leases come back and are closed by give_back.
  asio::steady_timer tick(co_await asio::this_coro::executor);
  const auto until = SteadyClock::now() + drain;
  for (;;) {
    std::vector<SlotPtr> idle;
    std::size_t busy = 0;
    {
      std::lock_guard lock(st.mutex);
      idle = st.take_all_idle_locked();
      busy = st.open;
    }
    State::close_all(idle);
    if (busy == 0 || SteadyClock::now() >= until) break;
    tick.expires_after(std::chrono::milliseconds(10));
    boost::system::error_code ec;
    co_await tick.async_wait(asio::redirect_error(use_awaitable, ec));
  }
}

}  // namespace vibework::mysql
