#pragma once
// Reply: one RESP2 reply from Redis, binary-safe (strings may hold NUL bytes).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vibework::redis {

class Reply {
 public:
  enum class Type : std::uint8_t { nil, string, status, error, integer, array };

  Reply() = default;  // nil
  static Reply make_string(std::string s) { return Reply(Type::string, std::move(s)); }
  static Reply make_status(std::string s) { return Reply(Type::status, std::move(s)); }
  static Reply make_error(std::string s) { return Reply(Type::error, std::move(s)); }
  static Reply make_integer(std::int64_t n);
  static Reply make_array(std::vector<Reply> elements);

  Type type() const noexcept { return type_; }
  bool is_nil() const noexcept { return type_ == Type::nil; }
  bool is_error() const noexcept { return type_ == Type::error; }
  bool is_string() const noexcept { return type_ == Type::string; }
  bool is_array() const noexcept { return type_ == Type::array; }
  bool is_integer() const noexcept { return type_ == Type::integer; }

  // Raw access (no type check): the text of a string, status or error reply.
  const std::string& text() const noexcept { return str_; }
  std::int64_t integer_value() const noexcept { return int_; }
  const std::vector<Reply>& elements() const noexcept { return elements_; }
  std::vector<Reply>& elements() noexcept { return elements_; }

  // Checked conversions: an error reply throws QueryError (with the server's message), any
  // other unexpected type throws ProtocolError. `command` names the command in the message.
  void expect_ok(std::string_view command) const;  // +OK (or any status)
  std::optional<std::string> to_optional_string(std::string_view command) &&;
  std::string to_string(std::string_view command) &&;
  std::int64_t to_integer(std::string_view command) const;
  std::vector<Reply> to_array(std::string_view command) &&;
  // Throws QueryError if this is an error reply.
  const Reply& throw_if_error(std::string_view command) const;

  // For logs and test output; strings shortened, never used for secrets.
  std::string debug_string() const;

 private:
  friend class ReplyParser;
  Reply(Type t, std::string s) : type_(t), str_(std::move(s)) {}

  Type type_ = Type::nil;
  std::int64_t int_ = 0;
  std::string str_;
  std::vector<Reply> elements_;
};

[[noreturn]] void throw_error_reply(std::string_view command, const std::string& server_message);
[[noreturn]] void throw_unexpected_reply(std::string_view command, const Reply& reply);

}  // namespace vibework::redis
