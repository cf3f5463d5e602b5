#include "vibework/redis/pipeline.hpp"

#include <vector>

#include "vibework/redis/protocol.hpp"

namespace vibework::redis {

Pipeline& Pipeline::command(std::initializer_list<std::string_view> args) {
  return command(std::span<const std::string_view>(args.begin(), args.size()));
}

Pipeline& Pipeline::command(std::span<const std::string_view> args) {
  append_command(bytes_, args);
  ++count_;
  return *this;
}

Pipeline& Pipeline::name_and_keys(std::string_view name, const KeyList& keys) {
  append_array_header(bytes_, 1 + keys.size());
  append_bulk(bytes_, name);
  for (auto k : keys.items()) append_bulk(bytes_, k);
  ++count_;
  return *this;
}

Pipeline& Pipeline::ping() { return command({"PING"}); }
Pipeline& Pipeline::get(std::string_view key) { return command({"GET", key}); }

Pipeline& Pipeline::set(std::string_view key, std::string_view value, const SetOptions& options) {
  std::string_view args[6] = {"SET", key, value};
  std::size_t n = 3;
  std::string ttl;
  if (options.ttl.count() > 0) {
    if (options.ttl.count() % 1000 == 0) {
      args[n++] = "EX";
      ttl = std::to_string(options.ttl.count() / 1000);
    } else {
      args[n++] = "PX";
      ttl = std::to_string(options.ttl.count());
    }
    args[n++] = ttl;
  } else if (options.keep_ttl) {
    args[n++] = "KEEPTTL";
  }
  if (options.condition == SetCondition::nx) args[n++] = "NX";
  if (options.condition == SetCondition::xx) args[n++] = "XX";
  return command(std::span<const std::string_view>(args, n));
}

Pipeline& Pipeline::setex(std::string_view key, std::chrono::seconds ttl, std::string_view value) {
  const std::string seconds = std::to_string(ttl.count());
  return command({"SETEX", key, seconds, value});
}

Pipeline& Pipeline::del(const KeyList& keys) { return name_and_keys("DEL", keys); }
Pipeline& Pipeline::exists(const KeyList& keys) { return name_and_keys("EXISTS", keys); }

Pipeline& Pipeline::expire(std::string_view key, std::chrono::milliseconds ttl) {
  if (ttl.count() % 1000 == 0) {
    const std::string s = std::to_string(ttl.count() / 1000);
    return command({"EXPIRE", key, s});
  }
  const std::string ms = std::to_string(ttl.count());
  return command({"PEXPIRE", key, ms});
}

Pipeline& Pipeline::pttl(std::string_view key) { return command({"PTTL", key}); }

Pipeline& Pipeline::incrby(std::string_view key, std::int64_t by) {
  if (by == 1) return command({"INCR", key});
  const std::string n = std::to_string(by);
  return command({"INCRBY", key, n});
}

Pipeline& Pipeline::mget(const KeyList& keys) { return name_and_keys("MGET", keys); }

Pipeline& Pipeline::mset(const std::vector<std::pair<std::string, std::string>>& items) {
  append_array_header(bytes_, 1 + 2 * items.size());
  append_bulk(bytes_, "MSET");
  for (const auto& [k, v] : items) {
    append_bulk(bytes_, k);
    append_bulk(bytes_, v);
  }
  ++count_;
  return *this;
}

Pipeline& Pipeline::hget(std::string_view key, std::string_view field) { return command({"HGET", key, field}); }

Pipeline& Pipeline::hset(std::string_view key, const std::vector<std::pair<std::string, std::string>>& fields) {
  append_array_header(bytes_, 2 + 2 * fields.size());
  append_bulk(bytes_, "HSET");
  append_bulk(bytes_, key);
  for (const auto& [f, v] : fields) {
    append_bulk(bytes_, f);
    append_bulk(bytes_, v);
  }
  ++count_;
  return *this;
}

Pipeline& Pipeline::hdel(std::string_view key, const KeyList& fields) {
  append_array_header(bytes_, 2 + fields.size());
  append_bulk(bytes_, "HDEL");
  append_bulk(bytes_, key);
  for (auto f : fields.items()) append_bulk(bytes_, f);
  ++count_;
  return *this;
}

Pipeline& Pipeline::hset(std::string_view key, std::string_view field, std::string_view value) {
  return command({"HSET", key, field, value});
}

Pipeline& Pipeline::scan(std::string_view cursor, std::string_view match, std::size_t count) {
  const std::string count_text = std::to_string(count == 0 ? 10 : count);
  if (match.empty()) return command({"SCAN", cursor, "COUNT", count_text});
  return command({"SCAN", cursor, "MATCH", match, "COUNT", count_text});
}

Pipeline& Pipeline::eval(std::string_view script, const KeyList& keys, const KeyList& args) {
  const std::string nkeys = std::to_string(keys.size());
  append_array_header(bytes_, 3 + keys.size() + args.size());
  append_bulk(bytes_, "EVAL");
  append_bulk(bytes_, script);
  append_bulk(bytes_, nkeys);
  for (auto k : keys.items()) append_bulk(bytes_, k);
  for (auto a : args.items()) append_bulk(bytes_, a);
  ++count_;
  return *this;
}

Pipeline& Pipeline::flushdb() { return command({"FLUSHDB"}); }

Pipeline& Pipeline::hgetall(std::string_view key) { return command({"HGETALL", key}); }

Pipeline& Pipeline::publish(std::string_view channel, std::string_view message) {
  return command({"PUBLISH", channel, message});
}

}  // namespace vibework::redis
