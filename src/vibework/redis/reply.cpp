#include "vibework/redis/reply.hpp"

#include <fmt/format.h>

#include "vibework/infra/errors.hpp"

namespace vibework::redis {

Reply Reply::make_integer(std::int64_t n) {
  Reply r;
  r.type_ = Type::integer;
  r.int_ = n;
  return r;
}

Reply Reply::make_array(std::vector<Reply> elements) {
  Reply r;
  r.type_ = Type::array;
  r.elements_ = std::move(elements);
  return r;
}

namespace {
// A hint for the error replies people actually meet.
std::string hint_for(std::string_view message) {
  auto starts = [&](std::string_view p) { return message.substr(0, p.size()) == p; };
  if (starts("WRONGTYPE")) return "the key holds another type of value; use a different key or delete it first";
  if (starts("NOAUTH") || starts("WRONGPASS"))
    return "the server needs a password: put it in REDIS_URL (redis://:password@host:port/db)";
  if (starts("NOPERM")) return "the Redis ACL user in REDIS_URL lacks permission for this command or key";
  if (starts("OOM")) return "Redis reached maxmemory; raise it or set an eviction policy (maxmemory-policy)";
  if (starts("READONLY")) return "REDIS_URL points at a read-only replica; point it at the primary";
  if (starts("LOADING")) return "Redis is loading its dataset after a restart; retry in a moment";
  if (starts("BUSY")) return "a Lua script is running too long on the server";
  return "check the command's arguments against the Redis documentation";
}
}  // namespace

void throw_error_reply(std::string_view command, const std::string& server_message) {
  throw infra::QueryError("redis", fmt::format("{} failed: {}", command, server_message), hint_for(server_message));
}

void throw_unexpected_reply(std::string_view command, const Reply& reply) {
  if (reply.is_error()) throw_error_reply(command, reply.text());
  throw infra::ProtocolError("redis", fmt::format("{} returned an unexpected reply: {}", command, reply.debug_string()),
                      "is REDIS_URL pointing at a Redis server (not a proxy speaking another protocol)?");
}

const Reply& Reply::throw_if_error(std::string_view command) const {
  if (is_error()) throw_error_reply(command, str_);
  return *this;
}

void Reply::expect_ok(std::string_view command) const {
  if (type_ != Type::status) throw_unexpected_reply(command, *this);
}

std::optional<std::string> Reply::to_optional_string(std::string_view command) && {
  if (type_ == Type::nil) return std::nullopt;
  if (type_ != Type::string && type_ != Type::status) throw_unexpected_reply(command, *this);
  return std::move(str_);
}

std::string Reply::to_string(std::string_view command) && {
  if (type_ != Type::string && type_ != Type::status) throw_unexpected_reply(command, *this);
  return std::move(str_);
}

std::int64_t Reply::to_integer(std::string_view command) const {
  if (type_ != Type::integer) throw_unexpected_reply(command, *this);
  return int_;
}

std::vector<Reply> Reply::to_array(std::string_view command) && {
  if (type_ == Type::nil) return {};
  if (type_ != Type::array) throw_unexpected_reply(command, *this);
  return std::move(elements_);
}

std::string Reply::debug_string() const {
  auto shorten = [](const std::string& s) {
    std::string out;
    for (char c : s.substr(0, 60)) out += (c >= 32 && c < 127) ? std::string(1, c) : fmt::format("\\x{:02x}", static_cast<unsigned char>(c));
    if (s.size() > 60) out += "...";
    return out;
  };
  switch (type_) {
    case Type::nil: return "(nil)";
    case Type::string: return "\"" + shorten(str_) + "\"";
    case Type::status: return "+" + shorten(str_);
    case Type::error: return "-" + shorten(str_);
    case Type::integer: return std::to_string(int_);
    case Type::array: {
      std::string out = "[";
      for (std::size_t i = 0; i < elements_.size(); ++i) {
        if (i) out += ", ";
        out += elements_[i].debug_string();
      }
      return out + "]";
    }
  }
  return "?";
}

}  // namespace vibework::redis
