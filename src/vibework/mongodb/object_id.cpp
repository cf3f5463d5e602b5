#include "vibework/mongodb/object_id.hpp"

#include <algorithm>
#include <cstring>

#include <bson/bson.h>
#include <boost/json/value.hpp>

#include "vibework/infra/errors.hpp"
#include "vibework/infra/config/env_reader.hpp"

namespace vibework::mongodb {

ObjectId ObjectId::generate() {
  bson_oid_t oid;
  bson_oid_init(&oid, nullptr);  // the default context is thread-safe
  return from_bytes(oid.bytes);
}

ObjectId ObjectId::from_bytes(const std::uint8_t (&bytes)[12]) {
  ObjectId id;
  std::copy(std::begin(bytes), std::end(bytes), id.bytes_.begin());
  return id;
}

std::optional<ObjectId> ObjectId::parse(std::string_view text) {
  if (text.size() != 24) return std::nullopt;
  // bson_oid_is_valid checks length and hex digits; bson_oid_init_from_string does not.
  if (!bson_oid_is_valid(text.data(), text.size())) return std::nullopt;
  const std::string copy(text);
  bson_oid_t oid;
  bson_oid_init_from_string(&oid, copy.c_str());
  return from_bytes(oid.bytes);
}

ObjectId ObjectId::from_string(std::string_view text) {
  if (auto id = parse(text)) return *id;
  throw infra::InvalidArgumentError("mongodb", infra::quote_value(text) + " is not a valid ObjectId",
                             "an id is 24 hexadecimal digits, e.g. 65a1f0c2e4b0a1b2c3d4e5f6");
}

std::string ObjectId::to_string() const {
  bson_oid_t oid;
  std::memcpy(oid.bytes, bytes_.data(), 12);
  char out[25];
  bson_oid_to_string(&oid, out);
  return std::string(out, 24);
}

bool ObjectId::is_null() const noexcept {
  return std::all_of(bytes_.begin(), bytes_.end(), [](std::uint8_t b) { return b == 0; });
}

std::chrono::system_clock::time_point ObjectId::timestamp() const noexcept {
  const std::uint32_t secs = (std::uint32_t(bytes_[0]) << 24) | (std::uint32_t(bytes_[1]) << 16) |
                             (std::uint32_t(bytes_[2]) << 8) | std::uint32_t(bytes_[3]);
  return std::chrono::system_clock::time_point(std::chrono::seconds(secs));
}

}  // namespace vibework::mongodb

namespace boost::json {
void tag_invoke(value_from_tag, value& out, const vibework::mongodb::ObjectId& id) { out = id.to_string(); }
vibework::mongodb::ObjectId tag_invoke(value_to_tag<vibework::mongodb::ObjectId>, const value& in) {
  if (!in.is_string()) {
    throw vibework::infra::InvalidArgumentError("mongodb", "an ObjectId must be a string of 24 hex digits");
  }
  return vibework::mongodb::ObjectId::from_string(std::string_view(in.get_string()));
}
}  // namespace boost::json
