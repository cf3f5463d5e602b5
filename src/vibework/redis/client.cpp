#include "vibework/redis/client.hpp"

#include <set>

#include <boost/asio/post.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "vibework/infra/errors.hpp"
#include "vibework/infra/lifecycle.hpp"
#include "vibework/infra/async/completion.hpp"
#include "vibework/infra/async/run_on.hpp"
#include "vibework/redis/connection.hpp"
#include "vibework/redis/subscriber.hpp"
#include "vibework/infra/runtime.hpp"

namespace vibework::redis {

namespace {

ConnectionOptions connection_options(const redis::Config& c, std::size_t index) {
  ConnectionOptions o;
  o.host = c.host;
  o.port = c.port;
  o.username = c.username;
  o.password = c.password;
  o.db = c.db;
  o.connect_timeout = c.connect_timeout;
  o.command_timeout = c.command_timeout;
  o.reconnect_min = c.reconnect_min;
  o.reconnect_max = c.reconnect_max;
  o.offline_wait = c.offline_wait;
  o.name = fmt::format("redis#{}", index);
  return o;
}

awaitable<Reply> awaitable_value(Reply r) { co_return r; }

// Fixed-window counter: INCRBY, then set the window's expiry if the key has none.
constexpr std::string_view kIncrWithExpiry =
    "local v = redis.call('INCRBY', KEYS[1], ARGV[1]) "
    "local t = redis.call('PTTL', KEYS[1]) "
    "if t < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) t = tonumber(ARGV[2]) end "
    "return {v, t}";

}  // namespace

Client::Client(const Config& config, infra::Runtime& runtime) : config_(config) {
  if (config_.tls) {
    throw infra::ConfigError("redis", "REDIS_URL uses rediss:// (TLS), which this build does not support yet",
                      "use redis:// (or a local TLS tunnel such as stunnel)");
  }
  const std::size_t threads = runtime.io_thread_count();
  const std::size_t n = config_.connections == 0 ? threads : config_.connections;
  connections_.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    connections_.push_back(
        std::make_shared<Connection>(runtime.io_context(i % threads).get_executor(), connection_options(config_, i)));
  }
  subscriber_ = std::make_shared<Subscriber>(runtime.next_io_context().get_executor(),
                                             connection_options(config_, n), config_.subscriber_ping);
}

Client::~Client() {
  // Normally stop() ran already. Otherwise abort on each connection's own thread.
  for (auto& c : connections_) asio::post(c->executor(), [c] { c->abort(); });
  asio::post(subscriber_->executor(), [s = subscriber_] { s->abort(); });
}

// --- lifecycle -----------------------------------------------------------------------------

awaitable<void> Client::connect_all() {
  for (auto& c : connections_) {
    // (GCC 12: lambdas with captures that own something must not be temporaries inside a
    // co_await expression, or they are destroyed twice; name them first.)
    auto wait = [c, limit = config_.connect_timeout]() { return c->wait_connected(limit); };
    const bool up = co_await infra::run_on(c->executor(), std::move(wait));
    if (!up) {
      // Ask the connection for its reason (the last connect error) via a command that fails fast.
      auto ping_for_reason = [c]() -> awaitable<void> {
        co_await c->execute(std::move(Pipeline().ping()).take_bytes());
      };
      co_await infra::run_on(c->executor(), std::move(ping_for_reason));
    }
  }
  co_await ping();
}

awaitable<void> Client::start() {
  if (!started_) {
    started_ = true;
    for (auto& c : connections_) asio::post(c->executor(), [c] { c->start(); });
  }
  // A refused AUTH/SELECT/PING (ServerRefusedError) is a wrong REDIS_URL and fails the start.
  if (co_await infra::first_contact("redis", connect_all(), "readiness reports it; the client keeps reconnecting")) {
    spdlog::info("redis: connected to {} with {} connection(s)", config_.address(), connections_.size());
  }
}

awaitable<void> Client::stop() {
  try {
    auto sub = subscriber_;
    auto close_subscriber = [sub] { return sub->close(); };
    co_await infra::run_on(sub->executor(), std::move(close_subscriber));
    for (auto& c : connections_) {
      auto close_connection = [c] { return c->close(); };
      co_await infra::run_on(c->executor(), std::move(close_connection));
    }
  } catch (const std::exception& e) {
    spdlog::warn("redis: error while closing: {}", e.what());
  }
}

awaitable<infra::HealthStatus> Client::check_health(std::chrono::milliseconds timeout) {
  return infra::run_check([this] { return ping(); }, timeout, "redis");
}

std::vector<infra::HealthCheck> Client::checks() {
  return {{"redis", config_.address(), [this] { return ping(); },
           "is Redis running at REDIS_URL? try redis-cli -h HOST -p PORT ping, or scripts/services start"}};
}

// --- the one path every command takes ----------------------------------------------------

std::shared_ptr<Connection>& Client::pick() {
  const std::size_t n = connections_.size();
  const std::size_t start = next_.fetch_add(1, std::memory_order_relaxed);
  for (std::size_t i = 0; i < n; ++i) {
    auto& c = connections_[(start + i) % n];
    if (c->executor().running_in_this_thread()) return c;
  }
  return connections_[start % n];
}

awaitable<Reply> Client::run(std::string bytes, std::uint32_t replies) {
  if (!metrics_.duration) co_return co_await run_untimed(std::move(bytes), replies);
  const auto started = infra::metrics::now_ticks();
  metrics_.commands.inc(replies);
  std::optional<Reply> reply;
  std::exception_ptr failure;
  try {
    reply.emplace(co_await run_untimed(std::move(bytes), replies));
  } catch (...) {
    failure = std::current_exception();
  }
  metrics_.duration.observe_since(started);
  if (failure) {
    metrics_.errors.inc();
    std::rethrow_exception(failure);
  }
  co_return std::move(*reply);
}

void Client::attach_metrics(infra::metrics::Registry& r) {
  metrics_.commands = r.counter("redis_commands_total", "Redis commands sent (each command of a pipeline counts).");
  metrics_.errors = r.counter("redis_command_errors_total",
                              "Redis round trips that failed (unreachable, timed out, connection lost).");
  metrics_.duration = r.histogram("redis_command_duration_seconds", "Redis round-trip time of a command or pipeline.",
                                  infra::metrics::buckets::latency_seconds());
  const auto reconnects = r.counter("redis_reconnects_total", "Redis connections re-established after a loss.");
  for (std::size_t i = 0; i < connections_.size(); ++i) {
    connections_[i]->set_reconnect_counter(reconnects);
    metrics_.gauges.push_back(r.gauge_callback("redis_connection_up", "Whether each Redis connection is connected (1) or not (0).",
                                               {"connection"}, {std::to_string(i)},
                                               [c = std::weak_ptr<Connection>(connections_[i])] {
                                                 const auto conn = c.lock();
                                                 return conn && conn->connected() ? 1.0 : 0.0;
                                               }));
  }
}

awaitable<Reply> Client::run_untimed(std::string bytes, std::uint32_t replies) {
  auto& conn = pick();
  if (conn->executor().running_in_this_thread()) {
    auto submit_here = [&](std::unique_ptr<infra::Completion<Reply>> done) {
      conn->submit(bytes, replies, std::move(done));
    };
    co_return co_await infra::suspend_into<Reply>(std::move(submit_here));
  }
  // Another thread owns the connection: hand the command over; the completion posts the
  // reply back to this coroutine's executor.
  // (Lambdas are named locals, never temporaries inside a co_await: GCC 12 destroys such
  // temporaries twice.)
  auto hand_over = [c = conn, &bytes, replies](std::unique_ptr<infra::Completion<Reply>> done) mutable {
    asio::post(c->executor(), [c, b = std::move(bytes), replies, d = std::move(done)]() mutable {
      c->submit(b, replies, std::move(d));
    });
  };
  co_return co_await infra::suspend_into<Reply>(std::move(hand_over));
}


// --- typed commands ------------------------------------------------------------------------
// Each command is encoded when it is called (so argument views are never read after the call
// returns), then awaited and converted by a small coroutine that owns the encoded bytes.

namespace {
template <typename Convert>
auto then(awaitable<Reply> reply, Convert convert) -> awaitable<decltype(convert(std::declval<Reply>()))> {
  co_return convert(co_await std::move(reply));
}

template <typename T>
awaitable<T> fail_with(infra::InvalidArgumentError error) {
  throw error;
  co_return T{};
}
template <>
awaitable<void> fail_with<void>(infra::InvalidArgumentError error) {
  throw error;
  co_return;
}

std::string bytes_of(Pipeline& p) { return std::move(p).take_bytes(); }
}  // namespace

awaitable<Reply> Client::run_one(std::string bytes, std::string_view what) {
  Reply r = co_await run(std::move(bytes), 1);
  r.throw_if_error(what);
  co_return r;
}

awaitable<void> Client::ping() {
  return then(run_one(bytes_of(Pipeline().ping()), "PING"), [](Reply r) { r.expect_ok("PING"); });
}

awaitable<std::optional<std::string>> Client::get(std::string_view key) {
  return then(run_one(bytes_of(Pipeline().get(key)), "GET"),
              [](Reply r) { return std::move(r).to_optional_string("GET"); });
}

awaitable<bool> Client::set(std::string_view key, std::string_view value, SetOptions options) {
  return then(run_one(bytes_of(Pipeline().set(key, value, options)), "SET"), [](Reply r) {
    if (r.is_nil()) return false;  // an NX/XX condition was not met
    r.expect_ok("SET");
    return true;
  });
}

awaitable<void> Client::setex(std::string_view key, std::chrono::seconds ttl, std::string_view value) {
  if (ttl.count() <= 0) return fail_with<void>(infra::InvalidArgumentError("redis", "SETEX needs a positive TTL", "pass at least 1 second"));
  return then(run_one(bytes_of(Pipeline().setex(key, ttl, value)), "SETEX"), [](Reply r) { r.expect_ok("SETEX"); });
}

awaitable<std::int64_t> Client::del(KeyList keys) {
  if (keys.empty()) return then(awaitable_value(Reply::make_integer(0)), [](Reply r) { return r.integer_value(); });
  return then(run_one(bytes_of(Pipeline().del(keys)), "DEL"), [](Reply r) { return r.to_integer("DEL"); });
}

awaitable<std::int64_t> Client::exists(KeyList keys) {
  if (keys.empty()) return then(awaitable_value(Reply::make_integer(0)), [](Reply r) { return r.integer_value(); });
  return then(run_one(bytes_of(Pipeline().exists(keys)), "EXISTS"), [](Reply r) { return r.to_integer("EXISTS"); });
}

awaitable<bool> Client::expire(std::string_view key, std::chrono::milliseconds ttl) {
  return then(run_one(bytes_of(Pipeline().expire(key, ttl)), "EXPIRE"), [](Reply r) { return r.to_integer("EXPIRE") == 1; });
}

awaitable<KeyTtl> Client::ttl(std::string_view key) {
  return then(run_one(bytes_of(Pipeline().pttl(key)), "PTTL"), [](Reply r) {
    const auto ms = r.to_integer("PTTL");
    if (ms == -2) return KeyTtl{KeyTtl::State::missing, {}};
    if (ms == -1) return KeyTtl{KeyTtl::State::persistent, {}};
    return KeyTtl{KeyTtl::State::expiring, std::chrono::milliseconds(ms)};
  });
}

awaitable<std::int64_t> Client::incr(std::string_view key) { return incrby(key, 1); }

awaitable<std::int64_t> Client::incrby(std::string_view key, std::int64_t by) {
  return then(run_one(bytes_of(Pipeline().incrby(key, by)), "INCRBY"), [](Reply r) { return r.to_integer("INCRBY"); });
}

awaitable<Counter> Client::incr_with_expiry(std::string_view key, std::int64_t by, std::chrono::milliseconds ttl) {
  if (ttl.count() <= 0) {
    return fail_with<Counter>(infra::InvalidArgumentError("redis", "incr_with_expiry needs a positive TTL", "pass the window length"));
  }
  const std::vector<std::string> args{std::to_string(by), std::to_string(ttl.count())};
  return then(run_one(bytes_of(Pipeline().eval(kIncrWithExpiry, KeyList(key), KeyList(args))), "EVAL incr_with_expiry"),
              [](Reply r) {
                constexpr std::string_view what = "EVAL incr_with_expiry";
                auto parts = std::move(r).to_array(what);
                if (parts.size() != 2) throw_unexpected_reply(what, Reply::make_array(std::move(parts)));
                return Counter{parts[0].to_integer(what), std::chrono::milliseconds(parts[1].to_integer(what))};
              });
}

awaitable<std::vector<std::optional<std::string>>> Client::mget(KeyList keys) {
  auto convert = [](Reply r) {
    std::vector<std::optional<std::string>> out;
    auto items = std::move(r).to_array("MGET");
    out.reserve(items.size());
    for (auto& item : items) out.push_back(std::move(item).to_optional_string("MGET"));
    return out;
  };
  if (keys.empty()) return then(awaitable_value(Reply::make_array({})), convert);
  return then(run_one(bytes_of(Pipeline().mget(keys)), "MGET"), convert);
}

awaitable<void> Client::mset(const std::vector<std::pair<std::string, std::string>>& items) {
  if (items.empty()) return then(awaitable_value(Reply::make_status("OK")), [](Reply) {});
  return then(run_one(bytes_of(Pipeline().mset(items)), "MSET"), [](Reply r) { r.expect_ok("MSET"); });
}

awaitable<std::optional<std::string>> Client::hget(std::string_view key, std::string_view field) {
  return then(run_one(bytes_of(Pipeline().hget(key, field)), "HGET"),
              [](Reply r) { return std::move(r).to_optional_string("HGET"); });
}

awaitable<std::int64_t> Client::hset(std::string_view key, std::string_view field, std::string_view value) {
  return then(run_one(bytes_of(Pipeline().hset(key, field, value)), "HSET"), [](Reply r) { return r.to_integer("HSET"); });
}

awaitable<std::int64_t> Client::hset(std::string_view key, const std::vector<std::pair<std::string, std::string>>& fields) {
  if (fields.empty()) return then(awaitable_value(Reply::make_integer(0)), [](Reply r) { return r.integer_value(); });
  return then(run_one(bytes_of(Pipeline().hset(key, fields)), "HSET"), [](Reply r) { return r.to_integer("HSET"); });
}

awaitable<std::int64_t> Client::hdel(std::string_view key, KeyList fields) {
  if (fields.empty()) return then(awaitable_value(Reply::make_integer(0)), [](Reply r) { return r.integer_value(); });
  return then(run_one(bytes_of(Pipeline().hdel(key, fields)), "HDEL"), [](Reply r) { return r.to_integer("HDEL"); });
}

awaitable<std::unordered_map<std::string, std::string>> Client::hgetall(std::string_view key) {
  return then(run_one(bytes_of(Pipeline().hgetall(key)), "HGETALL"), [](Reply r) {
    auto items = std::move(r).to_array("HGETALL");
    std::unordered_map<std::string, std::string> out;
    out.reserve(items.size() / 2);
    for (std::size_t i = 0; i + 1 < items.size(); i += 2) {
      out.emplace(std::move(items[i]).to_string("HGETALL"), std::move(items[i + 1]).to_string("HGETALL"));
    }
    return out;
  });
}

awaitable<ScanPage> Client::scan(std::string_view cursor, std::string_view match, std::size_t count) {
  return then(run_one(bytes_of(Pipeline().scan(cursor, match, count)), "SCAN"), [](Reply r) {
    auto parts = std::move(r).to_array("SCAN");
    if (parts.size() != 2) throw_unexpected_reply("SCAN", Reply::make_array(std::move(parts)));
    ScanPage page;
    page.cursor = std::move(parts[0]).to_string("SCAN");
    for (auto& k : std::move(parts[1]).to_array("SCAN")) page.keys.push_back(std::move(k).to_string("SCAN"));
    return page;
  });
}

awaitable<std::vector<std::string>> Client::scan_all(std::string match, std::size_t count) {
  std::set<std::string> seen;  // SCAN may return a key more than once
  std::string cursor = "0";
  do {
    auto page = co_await scan(cursor, match, count);
    for (auto& k : page.keys) seen.insert(std::move(k));
    cursor = std::move(page.cursor);
  } while (cursor != "0");
  co_return std::vector<std::string>(seen.begin(), seen.end());
}

awaitable<void> Client::flushdb() {
  return then(run_one(bytes_of(Pipeline().flushdb()), "FLUSHDB"), [](Reply r) { r.expect_ok("FLUSHDB"); });
}

awaitable<Reply> Client::command(std::initializer_list<std::string_view> args) {
  return command(std::span<const std::string_view>(args.begin(), args.size()));
}

awaitable<Reply> Client::command(std::span<const std::string_view> args) {
  if (args.empty()) {
    return fail_with<Reply>(infra::InvalidArgumentError("redis", "command() needs at least the command name", "e.g. {\"PING\"}"));
  }
  Pipeline p;
  p.command(args);
  return command_named(bytes_of(p), std::string(args[0].substr(0, 32)));
}

awaitable<Reply> Client::command_named(std::string bytes, std::string name) {
  co_return co_await run_one(std::move(bytes), name);
}

awaitable<std::vector<Reply>> Client::execute(Pipeline pipeline) {
  if (pipeline.empty()) co_return std::vector<Reply>{};
  const auto n = static_cast<std::uint32_t>(pipeline.size());
  Reply r = co_await run(std::move(pipeline).take_bytes(), n);
  if (n == 1) {
    std::vector<Reply> one;
    one.push_back(std::move(r));
    co_return one;
  }
  co_return std::move(r).to_array("pipeline");
}

// --- pub/sub -------------------------------------------------------------------------------

awaitable<std::int64_t> Client::publish(std::string_view channel, std::string_view message) {
  return then(run_one(bytes_of(Pipeline().publish(channel, message)), "PUBLISH"),
              [](Reply r) { return r.to_integer("PUBLISH"); });
}

awaitable<Subscription> Client::subscribe(std::string channel, MessageHandler handler) {
  return add_subscription(false, std::move(channel), std::move(handler));
}

awaitable<Subscription> Client::psubscribe(std::string pattern, MessageHandler handler) {
  return add_subscription(true, std::move(pattern), std::move(handler));
}

awaitable<Subscription> Client::add_subscription(bool pattern, std::string name, MessageHandler handler) {
  if (!handler) throw infra::InvalidArgumentError("redis", "subscribe needs a handler", "pass a function taking const Message&");
  auto sub = subscriber_;
  auto add = [sub, pattern, n = std::move(name), h = std::move(handler)]() mutable {
    return sub->add(pattern, std::move(n), std::move(h));
  };
  const std::uint64_t id = co_await infra::run_on(sub->executor(), std::move(add));
  co_return Subscription(sub, id);
}

// --- Subscription ----------------------------------------------------------------------------

Subscription::Subscription(Subscription&& other) noexcept
    : owner_(std::move(other.owner_)), id_(std::exchange(other.id_, 0)) {}

Subscription& Subscription::operator=(Subscription&& other) noexcept {
  if (this != &other) {
    release();
    owner_ = std::move(other.owner_);
    id_ = std::exchange(other.id_, 0);
  }
  return *this;
}

Subscription::~Subscription() { release(); }

void Subscription::release() noexcept {
  if (id_ == 0) return;
  if (auto s = owner_.lock()) {
    asio::co_spawn(s->executor(), [s, id = id_] { return s->remove(id); }, asio::detached);
  }
  id_ = 0;
}

awaitable<void> Subscription::unsubscribe() {
  if (id_ == 0) co_return;
  auto s = owner_.lock();
  const auto id = std::exchange(id_, 0);
  if (!s) co_return;
  auto remove = [s, id] { return s->remove(id); };
  co_await infra::run_on(s->executor(), std::move(remove));
}

}  // namespace vibework::redis
