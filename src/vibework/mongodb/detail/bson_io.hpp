#pragma once
// The few libbson operations the codec templates (codec.hpp, query.hpp) need, out of line, so
// that the public headers do not include <bson/bson.h>. Each call is one libbson call
// (bson_io.cpp); libbson's own structs live in opaque storage of their documented size.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "vibework/mongodb/document.hpp"
#include "vibework/mongodb/object_id.hpp"

namespace vibework::mongodb::detail {

using TimePoint = std::chrono::system_clock::time_point;

// bson_append_*.
void put_utf8(bson_t* out, std::string_view key, std::string_view value);
void put_bool(bson_t* out, std::string_view key, bool value);
void put_int32(bson_t* out, std::string_view key, std::int32_t value);
void put_int64(bson_t* out, std::string_view key, std::int64_t value);
void put_double(bson_t* out, std::string_view key, double value);
void put_oid(bson_t* out, std::string_view key, const ObjectId& value);
void put_date(bson_t* out, std::string_view key, TimePoint value);  // millisecond precision
void put_document(bson_t* out, std::string_view key, const bson_t* value);
void put_null(bson_t* out, std::string_view key);

// "0", "1", ...: the keys of a BSON array. `buffer` must outlive the result.
std::string_view array_key(std::uint32_t index, char (&buffer)[16]);

// An embedded document or array being appended (bson_append_{document,array}_begin ... _end).
class ChildWriter {
 public:
  enum class Kind { document, array };
  ChildWriter(bson_t* parent, std::string_view key, Kind kind);
  ChildWriter(const ChildWriter&) = delete;
  ChildWriter& operator=(const ChildWriter&) = delete;
  bson_t* get() noexcept;
  void end();  // once, after the last append

 private:
  alignas(128) unsigned char storage_[128];  // a bson_t
  bson_t* parent_;
  Kind kind_;
};

enum class BsonType { utf8, boolean, int32, int64, double_, oid, date_time, document, array, null, other };

// One element of a document (a bson_iter_t).
class BsonIter {
 public:
  BsonIter() = default;
  // Positions on `key` in `doc`; false when the document has no such key.
  bool find(const bson_t* doc, std::string_view key);
  // Positions before the first child of this document or array element; next() moves onto it.
  BsonIter children() const;
  bool next();

  BsonType type() const noexcept;
  std::string_view key() const noexcept;
  std::string_view utf8() const noexcept;
  bool boolean() const noexcept;
  ObjectId oid() const noexcept;
  TimePoint date_time() const noexcept;
  // The bytes of this document or array element.
  void document_bytes(const std::uint8_t** data, std::uint32_t* length) const noexcept;

  const void* raw() const noexcept { return storage_; }  // the bson_iter_t, for bson_io.cpp/codec.cpp

 private:
  alignas(128) unsigned char storage_[128]{};
};

// A read-only document over borrowed bytes (bson_init_static).
class DocumentView {
 public:
  // False when the bytes are not a well-formed document header.
  bool init(const std::uint8_t* data, std::uint32_t length) noexcept;
  const bson_t* get() const noexcept;

 private:
  alignas(128) unsigned char storage_[128];
};

}  // namespace vibework::mongodb::detail
