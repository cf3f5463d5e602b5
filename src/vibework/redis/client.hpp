#pragma once
// redis::Client: vibework's Redis client and the "redis" component.
//
//   auto redis = lifecycle.add(std::make_shared<redis::Client>(config.get<redis::Config>(), runtime));
//   co_await lifecycle.start_all();                 // connects; the "redis" check goes to readiness
//   co_await redis->setex("user:123", 300s, json);
//   std::optional<std::string> v = co_await redis->get("user:123");
//
// Connections: REDIS_CONNECTIONS connections (default one per I/O thread), each living on one
// of the runtime's io_contexts. A command issued on an I/O thread goes to a connection on that
// same thread (no locks, no thread hop); a command issued anywhere else (a test's own
// io_context, the blocking pool) is handed to a connection's thread with a post and the
// caller is resumed on its own executor. Commands are pipelined: everything issued in one turn
// of a thread's event loop shares one write.
//
// Failure behaviour: every command has a reply deadline (REDIS_COMMAND_TIMEOUT_MS ->
// TimeoutError); while a connection is down, commands fail at once with UnreachableError (or
// wait up to REDIS_OFFLINE_WAIT_MS); connections come back by themselves (capped exponential
// backoff with jitter). Error replies throw QueryError with the server's message.
//
// Arguments are taken as views and encoded before the call returns, so temporaries are fine
// and the returned awaitable may be stored. Values and keys are binary-safe.
// GCC 12: del(a, b), not del({a, b}) (README, "GCC 12 and temporaries inside co_await").
#include <atomic>
#include <chrono>
#include <concepts>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "vibework/infra/asio.hpp"
#include "vibework/infra/component.hpp"
#include "vibework/infra/metrics/registry.hpp"
#include "vibework/redis/config.hpp"
#include "vibework/infra/health.hpp"
#include "vibework/redis/commands.hpp"
#include "vibework/redis/pipeline.hpp"
#include "vibework/redis/reply.hpp"

namespace vibework::infra {
class Runtime;
}  // namespace vibework::infra

namespace vibework::redis {

class Connection;
class Subscriber;

// A pub/sub message. `pattern` is set for pattern subscriptions (PSUBSCRIBE).
struct Message {
  std::string channel;
  std::string pattern;
  std::string payload;
};
// Runs on the subscriber connection's I/O thread: must not block (spawn a coroutine for
// slow work). Exceptions are logged and swallowed.
using MessageHandler = std::function<void(const Message&)>;

// Keeps one handler subscribed. Destroying it (or unsubscribe()) removes the handler; the
// channel is unsubscribed on the server when its last handler goes.
class Subscription {
 public:
  Subscription() = default;
  Subscription(std::weak_ptr<Subscriber> owner, std::uint64_t id) : owner_(std::move(owner)), id_(id) {}
  Subscription(Subscription&& other) noexcept;
  Subscription& operator=(Subscription&& other) noexcept;
  Subscription(const Subscription&) = delete;
  Subscription& operator=(const Subscription&) = delete;
  ~Subscription();

  bool active() const noexcept { return id_ != 0; }
  // Removes the handler and waits for the server to confirm the unsubscribe (if it was the last).
  awaitable<void> unsubscribe();

 private:
  void release() noexcept;
  std::weak_ptr<Subscriber> owner_;
  std::uint64_t id_ = 0;
};

class Client final : public infra::Component {
 public:
  // Creates the connections, one per I/O thread of `runtime` by default (no I/O until start()).
  Client(const Config& config, infra::Runtime& runtime);
  ~Client() override;
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // --- Component ---------------------------------------------------------------------------
  std::string_view name() const override { return "redis"; }
  // Connects every connection (each bounded by REDIS_CONNECT_TIMEOUT_MS). A server that
  // cannot be reached does not fail the start (the connections keep reconnecting in the
  // background); a server that refuses AUTH, SELECT or PING (a wrong REDIS_URL) does.
  awaitable<void> start() override;
  // Waits for pending replies, sends QUIT, closes every connection. Never throws.
  awaitable<void> stop() override;

  // PING with its latency, bounded by `timeout`: the original's checkRedisHealth. Never throws.
  awaitable<infra::HealthStatus> check_health(std::chrono::milliseconds timeout = infra::default_health_timeout);
  std::vector<infra::HealthCheck> checks() override;
  std::string address() const { return config_.address(); }
  const Config& config() const noexcept { return config_; }
  // redis_connection_up{connection}, redis_reconnects_total, redis_commands_total,
  // redis_command_errors_total and redis_command_duration_seconds in `registry` (which must
  // outlive the client). Call before start().
  void attach_metrics(infra::metrics::Registry& registry);

  // --- strings -----------------------------------------------------------------------------
  awaitable<void> ping();
  awaitable<std::optional<std::string>> get(std::string_view key);
  // true when the value was set (false only when an NX/XX condition was not met).
  awaitable<bool> set(std::string_view key, std::string_view value, SetOptions options = {});
  awaitable<void> setex(std::string_view key, std::chrono::seconds ttl, std::string_view value);
  awaitable<std::int64_t> del(KeyList keys);     // number of keys removed
  awaitable<std::int64_t> exists(KeyList keys);  // number of keys that exist
  template <typename... K>
    requires(sizeof...(K) > 1 && (std::convertible_to<const K&, std::string_view> && ...))
  awaitable<std::int64_t> del(const K&... keys) {
    return del(KeyList{std::string_view(keys)...});
  }
  template <typename... K>
    requires(sizeof...(K) > 1 && (std::convertible_to<const K&, std::string_view> && ...))
  awaitable<std::int64_t> exists(const K&... keys) {
    return exists(KeyList{std::string_view(keys)...});
  }
  awaitable<bool> expire(std::string_view key, std::chrono::milliseconds ttl);  // false: no such key
  awaitable<KeyTtl> ttl(std::string_view key);
  awaitable<std::int64_t> incr(std::string_view key);
  awaitable<std::int64_t> incrby(std::string_view key, std::int64_t by);
  // INCRBY and, when the key has no expiry yet, PEXPIRE, atomically (a Lua script): the
  // fixed-window rate-limit primitive. Returns the new value and the window's remaining time.
  awaitable<Counter> incr_with_expiry(std::string_view key, std::int64_t by, std::chrono::milliseconds ttl);
  awaitable<std::vector<std::optional<std::string>>> mget(KeyList keys);
  template <typename... K>
    requires(sizeof...(K) > 1 && (std::convertible_to<const K&, std::string_view> && ...))
  awaitable<std::vector<std::optional<std::string>>> mget(const K&... keys) {
    return mget(KeyList{std::string_view(keys)...});
  }
  awaitable<void> mset(const std::vector<std::pair<std::string, std::string>>& items);

  // --- hashes ------------------------------------------------------------------------------
  awaitable<std::optional<std::string>> hget(std::string_view key, std::string_view field);
  awaitable<std::int64_t> hset(std::string_view key, std::string_view field, std::string_view value);
  awaitable<std::int64_t> hset(std::string_view key, const std::vector<std::pair<std::string, std::string>>& fields);
  awaitable<std::int64_t> hdel(std::string_view key, KeyList fields);
  template <typename... F>
    requires(sizeof...(F) > 1 && (std::convertible_to<const F&, std::string_view> && ...))
  awaitable<std::int64_t> hdel(std::string_view key, const F&... fields) {
    return hdel(key, KeyList{std::string_view(fields)...});
  }
  awaitable<std::unordered_map<std::string, std::string>> hgetall(std::string_view key);

  // --- keys and server ---------------------------------------------------------------------
  // One SCAN step. `match` is a glob ("user:*"); empty = all keys.
  awaitable<ScanPage> scan(std::string_view cursor, std::string_view match = {}, std::size_t count = 100);
  // Every key matching `match` (iterates SCAN to the end; keys may repeat per SCAN's rules
  // are de-duplicated).
  awaitable<std::vector<std::string>> scan_all(std::string match, std::size_t count = 500);
  awaitable<void> flushdb();

  // --- anything else -----------------------------------------------------------------------
  // Any command; the reply as it came (an error reply throws QueryError).
  awaitable<Reply> command(std::initializer_list<std::string_view> args);
  awaitable<Reply> command(std::span<const std::string_view> args);
  template <typename... A>
    requires(sizeof...(A) > 0 && (std::convertible_to<const A&, std::string_view> && ...))
  awaitable<Reply> command(const A&... args) {
    const std::string_view list[] = {std::string_view(args)...};
    return command(std::span<const std::string_view>(list));
  }
  // All commands in one round trip; one reply per command, error replies included (not thrown).
  awaitable<std::vector<Reply>> execute(Pipeline pipeline);

  // --- pub/sub -----------------------------------------------------------------------------
  awaitable<std::int64_t> publish(std::string_view channel, std::string_view message);  // receivers
  // Subscribes on a dedicated connection; returns once the server confirmed. After a
  // reconnect every subscription is restored by itself.
  awaitable<Subscription> subscribe(std::string channel, MessageHandler handler);
  awaitable<Subscription> psubscribe(std::string pattern, MessageHandler handler);

 private:
  // The one path every command takes: to a connection on this thread if there is one,
  // otherwise handed over to a connection's thread and resumed back here.
  awaitable<void> connect_all();  // every connection up, then one PING
  awaitable<Reply> run(std::string bytes, std::uint32_t replies);
  awaitable<Reply> run_one(std::string bytes, std::string_view what);
  awaitable<Reply> command_named(std::string bytes, std::string name);
  std::shared_ptr<Connection>& pick();
  awaitable<Subscription> add_subscription(bool pattern, std::string name, MessageHandler handler);

  Config config_;
  std::vector<std::shared_ptr<Connection>> connections_;
  std::shared_ptr<Subscriber> subscriber_;
  struct Metrics {
    infra::metrics::Counter commands, errors;
    infra::metrics::Histogram duration;
    std::vector<infra::metrics::Registration> gauges;
  } metrics_;
  awaitable<Reply> run_untimed(std::string bytes, std::uint32_t replies);
  std::atomic<std::size_t> next_{0};
  bool started_ = false;
};

}  // namespace vibework::redis
