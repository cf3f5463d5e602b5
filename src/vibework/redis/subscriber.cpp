#include "vibework/redis/subscriber.hpp"

#include <boost/asio/redirect_error.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "vibework/infra/errors.hpp"

namespace vibework::redis {

namespace {
// For commands whose reply nobody awaits (re-subscribing after a reconnect, keep-alive).
class LogFailure final : public infra::Completion<Reply> {
 public:
  explicit LogFailure(std::string what) : what_(std::move(what)) {}
  void complete(std::exception_ptr error, Reply reply) override {
    try {
      if (error) std::rethrow_exception(error);
      reply.throw_if_error(what_);
    } catch (const std::exception& e) {
      spdlog::warn("redis-subscriber: {} failed: {}", what_, e.what());
    }
  }

 private:
  std::string what_;
};

std::string encode(std::string_view command, const std::vector<std::string_view>& names) {
  std::string out;
  append_array_header(out, 1 + names.size());
  append_bulk(out, command);
  for (auto n : names) append_bulk(out, n);
  return out;
}
}  // namespace

Subscriber::Subscriber(Connection::Executor ex, ConnectionOptions options, std::chrono::milliseconds ping_interval)
    : connect_timeout_(options.connect_timeout), ping_interval_(ping_interval), ping_timer_(ex) {
  options.subscriber = true;
  options.name = "redis-subscriber";
  conn_ = std::make_shared<Connection>(ex, std::move(options));
}

awaitable<std::uint64_t> Subscriber::add(bool pattern, std::string name, MessageHandler handler) {
  auto self = shared_from_this();
  if (closing_) throw infra::UnavailableError("redis", "the client is closing", "the service is shutting down");
  if (!started_) {
    started_ = true;
    // Hooks capture a weak pointer: the connection must not keep its owner alive.
    std::weak_ptr<Subscriber> weak = self;
    conn_->set_on_connected([weak] {
      if (auto s = weak.lock()) s->on_connected();
    });
    conn_->set_on_push([weak](Reply&& r) {
      if (auto s = weak.lock()) s->on_push(std::move(r));
    });
    conn_->start();
    asio::co_spawn(conn_->executor(), [self] { return self->ping_loop(); }, asio::detached);
  }
  if (!conn_->connected()) co_await conn_->wait_connected(connect_timeout_);

  const Key key{pattern, name};
  const std::uint64_t id = next_id_++;
  auto& list = handlers_[key];
  list.emplace_back(id, std::move(handler));
  if (list.size() == 1) {
    try {
      std::string bytes;
      append_command(bytes, {pattern ? "PSUBSCRIBE" : "SUBSCRIBE", name});
      Reply r = co_await conn_->execute(std::move(bytes));
      r.throw_if_error(pattern ? "PSUBSCRIBE" : "SUBSCRIBE");
    } catch (...) {
      auto it = handlers_.find(key);
      if (it != handlers_.end()) {
        std::erase_if(it->second, [id](const auto& h) { return h.first == id; });
        if (it->second.empty()) handlers_.erase(it);
      }
      throw;
    }
  }
  co_return id;
}

awaitable<void> Subscriber::remove(std::uint64_t id) {
  auto self = shared_from_this();
  for (auto it = handlers_.begin(); it != handlers_.end(); ++it) {
    auto& list = it->second;
    const auto before = list.size();
    std::erase_if(list, [id](const auto& h) { return h.first == id; });
    if (list.size() == before) continue;
    if (list.empty()) {
      const Key key = it->first;
      handlers_.erase(it);
      if (conn_->connected() && !closing_) {
        std::string bytes;
        append_command(bytes, {key.first ? "PUNSUBSCRIBE" : "UNSUBSCRIBE", key.second});
        try {
          co_await conn_->execute(std::move(bytes));
        } catch (const std::exception& e) {
          spdlog::debug("redis-subscriber: unsubscribe from {} failed: {}", key.second, e.what());
        }
      }
    }
    co_return;
  }
}

void Subscriber::on_connected() {
  std::vector<std::string_view> channels, patterns;
  for (const auto& [key, list] : handlers_) (key.first ? patterns : channels).push_back(key.second);
  if (!channels.empty()) {
    conn_->submit(encode("SUBSCRIBE", channels), static_cast<std::uint32_t>(channels.size()),
                  std::make_unique<LogFailure>("restoring SUBSCRIBE"));
  }
  if (!patterns.empty()) {
    conn_->submit(encode("PSUBSCRIBE", patterns), static_cast<std::uint32_t>(patterns.size()),
                  std::make_unique<LogFailure>("restoring PSUBSCRIBE"));
  }
  if (!channels.empty() || !patterns.empty()) {
    spdlog::info("redis-subscriber: restored {} channel and {} pattern subscription(s)", channels.size(), patterns.size());
  }
}

void Subscriber::on_push(Reply&& reply) {
  auto& e = reply.elements();
  const bool pattern = e[0].text() == "pmessage";
  if (pattern && e.size() < 4) return;
  Message m;
  if (pattern) {
    m.pattern = std::move(e[1]).to_string("pmessage");
    m.channel = std::move(e[2]).to_string("pmessage");
    m.payload = std::move(e[3]).to_string("pmessage");
  } else {
    m.channel = std::move(e[1]).to_string("message");
    m.payload = std::move(e[2]).to_string("message");
  }
  auto it = handlers_.find(Key{pattern, pattern ? m.pattern : m.channel});
  if (it == handlers_.end()) return;
  const auto list = it->second;  // a handler may unsubscribe while we iterate
  for (const auto& [id, handler] : list) {
    try {
      handler(m);
    } catch (const std::exception& ex) {
      spdlog::error("redis-subscriber: handler for {} threw: {}", m.channel, ex.what());
    }
  }
}

awaitable<void> Subscriber::ping_loop() {
  auto self = shared_from_this();
  boost::system::error_code ec;
  while (!closing_) {
    ping_timer_.expires_after(ping_interval_);
    co_await ping_timer_.async_wait(asio::redirect_error(use_awaitable, ec));
    if (closing_) break;
    if (!conn_->connected()) continue;
    // A late PONG trips the connection's reply deadline, which reconnects and re-subscribes.
    std::string ping;
    append_command(ping, {"PING"});
    conn_->submit(ping, 1, std::make_unique<LogFailure>("keep-alive PING"));
  }
}

awaitable<void> Subscriber::close() {
  auto self = shared_from_this();
  closing_ = true;
  ping_timer_.cancel();
  if (started_) co_await conn_->close();
  handlers_.clear();
}

void Subscriber::abort() {
  closing_ = true;
  ping_timer_.cancel();
  conn_->abort();
  handlers_.clear();
}

}  // namespace vibework::redis
