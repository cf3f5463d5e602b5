#pragma once
// RESP2 on the wire: our own encoder for commands (appends straight into the connection's
// write buffer, no intermediate allocation) and hiredis's reply parser (redisReader), which
// builds our Reply objects directly through its object callbacks.
#include <cstddef>
#include <initializer_list>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "vibework/redis/reply.hpp"

struct redisReader;

namespace vibework::redis {

// Appends one command (*N\r\n$len\r\narg\r\n...) to `out`. Arguments are binary-safe.
void append_command(std::string& out, std::span<const std::string_view> args);
inline void append_command(std::string& out, std::initializer_list<std::string_view> args) {
  append_command(out, std::span<const std::string_view>(args.begin(), args.size()));
}
// Incremental form, for commands built from a variable number of arguments.
void append_array_header(std::string& out, std::size_t count);
void append_bulk(std::string& out, std::string_view arg);

class ReplyParser {
 public:
  ReplyParser();
  ~ReplyParser();
  ReplyParser(const ReplyParser&) = delete;
  ReplyParser& operator=(const ReplyParser&) = delete;

  void feed(const char* data, std::size_t size);
  // The next complete reply, or nullopt when more bytes are needed. Throws ProtocolError on
  // bytes that are not RESP.
  std::optional<Reply> next();
  // Drops any buffered bytes (after a reconnect).
  void reset();

 private:
  redisReader* reader_ = nullptr;
};

}  // namespace vibework::redis
