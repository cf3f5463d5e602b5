#include "vibework/mongodb/detail/bson_io.hpp"

#include <algorithm>
#include <charconv>
#include <new>

#include <bson/bson.h>

namespace vibework::mongodb::detail {
namespace {

static_assert(sizeof(bson_t) <= 128 && alignof(bson_t) <= 128, "ChildWriter/DocumentView storage fits bson_t");
static_assert(sizeof(bson_iter_t) <= 128 && alignof(bson_iter_t) <= 128, "BsonIter storage fits bson_iter_t");

int length_of(std::string_view key) { return static_cast<int>(key.size()); }

bson_iter_t* iter(void* storage) { return std::launder(reinterpret_cast<bson_iter_t*>(storage)); }
const bson_iter_t* iter(const void* storage) {
  return std::launder(reinterpret_cast<const bson_iter_t*>(storage));
}

}  // namespace

void put_utf8(bson_t* out, std::string_view key, std::string_view value) {
  bson_append_utf8(out, key.data(), length_of(key), value.data(), static_cast<int>(value.size()));
}
void put_bool(bson_t* out, std::string_view key, bool value) { bson_append_bool(out, key.data(), length_of(key), value); }
void put_int32(bson_t* out, std::string_view key, std::int32_t value) {
  bson_append_int32(out, key.data(), length_of(key), value);
}
void put_int64(bson_t* out, std::string_view key, std::int64_t value) {
  bson_append_int64(out, key.data(), length_of(key), value);
}
void put_double(bson_t* out, std::string_view key, double value) {
  bson_append_double(out, key.data(), length_of(key), value);
}
void put_oid(bson_t* out, std::string_view key, const ObjectId& value) {
  bson_oid_t oid;
  std::copy(value.bytes().begin(), value.bytes().end(), oid.bytes);
  bson_append_oid(out, key.data(), length_of(key), &oid);
}
void put_date(bson_t* out, std::string_view key, TimePoint value) {
  const auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(value.time_since_epoch()).count();
  bson_append_date_time(out, key.data(), length_of(key), millis);
}
void put_document(bson_t* out, std::string_view key, const bson_t* value) {
  bson_append_document(out, key.data(), length_of(key), value);
}
void put_null(bson_t* out, std::string_view key) { bson_append_null(out, key.data(), length_of(key)); }

std::string_view array_key(std::uint32_t index, char (&buffer)[16]) {
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, index);
  return {buffer, static_cast<std::size_t>(result.ptr - buffer)};
}

ChildWriter::ChildWriter(bson_t* parent, std::string_view key, Kind kind) : parent_(parent), kind_(kind) {
  if (kind == Kind::array) bson_append_array_begin(parent, key.data(), length_of(key), get());
  else bson_append_document_begin(parent, key.data(), length_of(key), get());
}
bson_t* ChildWriter::get() noexcept { return std::launder(reinterpret_cast<bson_t*>(storage_)); }
void ChildWriter::end() {
  if (kind_ == Kind::array) bson_append_array_end(parent_, get());
  else bson_append_document_end(parent_, get());
}

bool BsonIter::find(const bson_t* doc, std::string_view key) {
  return bson_iter_init_find_w_len(iter(storage_), doc, key.data(), length_of(key));
}
BsonIter BsonIter::children() const {
  BsonIter child;
  bson_iter_recurse(iter(storage_), iter(child.storage_));
  return child;
}
bool BsonIter::next() { return bson_iter_next(iter(storage_)); }

BsonType BsonIter::type() const noexcept {
  switch (bson_iter_type(iter(storage_))) {
    case BSON_TYPE_UTF8: return BsonType::utf8;
    case BSON_TYPE_BOOL: return BsonType::boolean;
    case BSON_TYPE_INT32: return BsonType::int32;
    case BSON_TYPE_INT64: return BsonType::int64;
    case BSON_TYPE_DOUBLE: return BsonType::double_;
    case BSON_TYPE_OID: return BsonType::oid;
    case BSON_TYPE_DATE_TIME: return BsonType::date_time;
    case BSON_TYPE_DOCUMENT: return BsonType::document;
    case BSON_TYPE_ARRAY: return BsonType::array;
    case BSON_TYPE_NULL: return BsonType::null;
    default: return BsonType::other;
  }
}
std::string_view BsonIter::key() const noexcept {
  return {bson_iter_key(iter(storage_)), bson_iter_key_len(iter(storage_))};
}
std::string_view BsonIter::utf8() const noexcept {
  std::uint32_t length = 0;
  const char* text = bson_iter_utf8(iter(storage_), &length);
  return {text, length};
}
bool BsonIter::boolean() const noexcept { return bson_iter_bool(iter(storage_)); }
ObjectId BsonIter::oid() const noexcept { return ObjectId::from_bytes(bson_iter_oid(iter(storage_))->bytes); }
TimePoint BsonIter::date_time() const noexcept {
  return TimePoint(std::chrono::milliseconds(bson_iter_date_time(iter(storage_))));
}
void BsonIter::document_bytes(const std::uint8_t** data, std::uint32_t* length) const noexcept {
  if (bson_iter_type(iter(storage_)) == BSON_TYPE_ARRAY) bson_iter_array(iter(storage_), length, data);
  else bson_iter_document(iter(storage_), length, data);
}

bool DocumentView::init(const std::uint8_t* data, std::uint32_t length) noexcept {
  bson_t* doc = std::launder(reinterpret_cast<bson_t*>(storage_));  // named: keeps bson_t's alignment
  return bson_init_static(doc, data, length);
}
const bson_t* DocumentView::get() const noexcept { return std::launder(reinterpret_cast<const bson_t*>(storage_)); }

}  // namespace vibework::mongodb::detail
