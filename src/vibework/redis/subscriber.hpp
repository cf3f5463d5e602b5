#pragma once
// Subscriber: the dedicated pub/sub connection behind Client::subscribe. It keeps the list of
// channels and patterns with their handlers; after every (re)connect it subscribes to all of
// them again, and it PINGs while idle so a dead or stopped server is noticed without traffic.
// Internal: every member runs on executor().
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <boost/asio/steady_timer.hpp>

#include "vibework/redis/client.hpp"
#include "vibework/redis/connection.hpp"

namespace vibework::redis {

class Subscriber : public std::enable_shared_from_this<Subscriber> {
 public:
  Subscriber(Connection::Executor ex, ConnectionOptions options, std::chrono::milliseconds ping_interval);

  const Connection::Executor& executor() const noexcept { return conn_->executor(); }

  // Registers the handler; the first handler of a channel subscribes it and waits for the
  // server's confirmation. Returns the handler's id.
  awaitable<std::uint64_t> add(bool pattern, std::string name, MessageHandler handler);
  awaitable<void> remove(std::uint64_t id);
  awaitable<void> close();
  void abort();

 private:
  using Key = std::pair<bool, std::string>;  // (is pattern, channel or pattern)
  void on_connected();
  void on_push(Reply&& reply);
  awaitable<void> ping_loop();

  std::shared_ptr<Connection> conn_;
  std::chrono::milliseconds connect_timeout_;
  std::chrono::milliseconds ping_interval_;
  asio::steady_timer ping_timer_;
  std::map<Key, std::vector<std::pair<std::uint64_t, MessageHandler>>> handlers_;
  std::uint64_t next_id_ = 1;
  bool started_ = false;
  bool closing_ = false;
};

}  // namespace vibework::redis
