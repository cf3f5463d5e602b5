#pragma once
// Pipeline: commands sent together in one write, answered together (one reply per command,
// in order). Not a transaction: other clients' commands may run in between (use MULTI/EXEC
// through command() when you need atomicity). The typed client methods encode through this
// class too, so a command is spelled the same way in both places.
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "vibework/redis/commands.hpp"

namespace vibework::redis {

class Pipeline {
 public:
  // Any command, binary-safe: command({"HINCRBY", key, field, "1"}).
  Pipeline& command(std::initializer_list<std::string_view> args);
  Pipeline& command(std::span<const std::string_view> args);

  Pipeline& ping();
  Pipeline& get(std::string_view key);
  Pipeline& set(std::string_view key, std::string_view value, const SetOptions& options = {});
  Pipeline& setex(std::string_view key, std::chrono::seconds ttl, std::string_view value);
  Pipeline& del(const KeyList& keys);
  Pipeline& exists(const KeyList& keys);
  Pipeline& expire(std::string_view key, std::chrono::milliseconds ttl);  // EXPIRE, or PEXPIRE for sub-second
  Pipeline& pttl(std::string_view key);
  Pipeline& incrby(std::string_view key, std::int64_t by);
  Pipeline& mget(const KeyList& keys);
  Pipeline& mset(const std::vector<std::pair<std::string, std::string>>& items);
  Pipeline& hget(std::string_view key, std::string_view field);
  Pipeline& hset(std::string_view key, std::string_view field, std::string_view value);
  Pipeline& hset(std::string_view key, const std::vector<std::pair<std::string, std::string>>& fields);
  Pipeline& hdel(std::string_view key, const KeyList& fields);
  Pipeline& hgetall(std::string_view key);
  Pipeline& scan(std::string_view cursor, std::string_view match, std::size_t count);
  Pipeline& eval(std::string_view script, const KeyList& keys, const KeyList& args);
  Pipeline& flushdb();
  Pipeline& publish(std::string_view channel, std::string_view message);

  std::size_t size() const noexcept { return count_; }
  bool empty() const noexcept { return count_ == 0; }
  const std::string& bytes() const noexcept { return bytes_; }
  std::string take_bytes() && { return std::move(bytes_); }
  void clear() { bytes_.clear(); count_ = 0; }

 private:
  Pipeline& name_and_keys(std::string_view name, const KeyList& keys);
  std::string bytes_;
  std::uint32_t count_ = 0;
};

}  // namespace vibework::redis
