#include "vibework/mongodb/document.hpp"

#include <utility>

#include <bson/bson.h>

#include "vibework/infra/errors.hpp"

static_assert(alignof(bson_t) == 128, "document.hpp declares bson_t as libbson built with BSON_EXTRA_ALIGN does");

namespace vibework::mongodb {

Document::Document() : doc_(bson_new()) {}

Document Document::adopt(bson_t* owned) { return Document(owned != nullptr ? owned : bson_new()); }
Document Document::copy_of(const bson_t* other) { return Document(bson_copy(other)); }
Document Document::copy_of(const std::uint8_t* data, std::size_t length) {
  bson_t* doc = bson_new_from_data(data, length);
  if (doc == nullptr) throw infra::ProtocolError("mongodb", "the server sent a malformed BSON document");
  return Document(doc);
}

Document Document::from_json(std::string_view json) {
  bson_error_t error;
  bson_t* doc = bson_new_from_json(reinterpret_cast<const uint8_t*>(json.data()),
                                   static_cast<ssize_t>(json.size()), &error);
  if (doc == nullptr) {
    throw infra::InvalidArgumentError("mongodb", std::string("not a valid JSON document: ") + error.message,
                               "write Extended JSON, e.g. {\"userId\": \"u1\", \"read\": false}");
  }
  return Document(doc);
}

Document::Document(const Document& other) : doc_(bson_copy(other.doc_)) {}
Document& Document::operator=(const Document& other) {
  if (this != &other) {
    bson_t* copy = bson_copy(other.doc_);
    bson_destroy(doc_);
    doc_ = copy;
  }
  return *this;
}
// A moved-from Document is an empty document, never a null pointer.
Document::Document(Document&& other) noexcept : doc_(std::exchange(other.doc_, bson_new())) {}
Document& Document::operator=(Document&& other) noexcept {
  std::swap(doc_, other.doc_);
  return *this;
}
Document::~Document() { bson_destroy(doc_); }

bool Document::empty() const noexcept { return bson_empty(doc_); }

std::string Document::to_json() const {
  size_t length = 0;
  char* json = bson_as_relaxed_extended_json(doc_, &length);
  std::string out(json != nullptr ? json : "", json != nullptr ? length : 0);
  bson_free(json);
  return out;
}

}  // namespace vibework::mongodb
