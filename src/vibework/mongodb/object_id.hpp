#pragma once
// ObjectId: MongoDB's 12-byte document id, as a value type. A default-constructed ObjectId is
// the null id; Model::create() gives such a document a fresh id. In JSON it is the 24-digit
// hex string Mongoose shows ("65a1f0c2e4b0a1b2c3d4e5f6").
#include <array>
#include <chrono>
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <boost/json/fwd.hpp>
#include <boost/json/value_from.hpp>
#include <boost/json/value_to.hpp>

namespace vibework::mongodb {

class ObjectId {
 public:
  ObjectId() = default;  // the null id (all zero bytes)
  static ObjectId generate();
  // nullopt unless `text` is exactly 24 hex digits.
  static std::optional<ObjectId> parse(std::string_view text);
  // Like parse(), but throws InvalidArgumentError("'<text>' is not a valid ObjectId ...").
  static ObjectId from_string(std::string_view text);
  static ObjectId from_bytes(const std::uint8_t (&bytes)[12]);

  std::string to_string() const;  // 24 lowercase hex digits
  bool is_null() const noexcept;
  std::chrono::system_clock::time_point timestamp() const noexcept;  // seconds resolution
  const std::array<std::uint8_t, 12>& bytes() const noexcept { return bytes_; }

  friend auto operator<=>(const ObjectId&, const ObjectId&) = default;

 private:
  std::array<std::uint8_t, 12> bytes_{};
};

}  // namespace vibework::mongodb

namespace boost::json {
void tag_invoke(value_from_tag, value& out, const vibework::mongodb::ObjectId& id);
vibework::mongodb::ObjectId tag_invoke(value_to_tag<vibework::mongodb::ObjectId>, const value& in);
}  // namespace boost::json
