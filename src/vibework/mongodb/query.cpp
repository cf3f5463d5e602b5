#include "vibework/mongodb/query.hpp"

#include <bson/bson.h>

namespace vibework::mongodb {

namespace {
// If `doc` is exactly {<op>: [...]}, appends its elements to `array` and returns true.
bool append_if_only(const Document& doc, const char* op, bson_t* array, std::uint32_t& index) {
  bson_iter_t it;
  if (!bson_iter_init(&it, doc.get()) || !bson_iter_next(&it)) return false;
  if (std::string_view(bson_iter_key(&it)) != op || !BSON_ITER_HOLDS_ARRAY(&it)) return false;
  bson_iter_t next = it;
  if (bson_iter_next(&next)) return false;  // more than one key
  bson_iter_t child;
  bson_iter_recurse(&it, &child);
  char buffer[16];
  while (bson_iter_next(&child)) {
    const char* key = nullptr;
    bson_uint32_to_string(index++, &key, buffer, sizeof buffer);
    bson_append_iter(array, key, -1, &child);
  }
  return true;
}

void append_clause(const Document& doc, const char* op, bson_t* array, std::uint32_t& index) {
  if (append_if_only(doc, op, array, index)) return;
  char buffer[16];
  const char* key = nullptr;
  bson_uint32_to_string(index++, &key, buffer, sizeof buffer);
  bson_append_document(array, key, -1, doc.get());
}

Document combine(const Filter& a, const Filter& b, const char* op) {
  Document out;
  bson_t array;
  bson_append_array_begin(out.get(), op, -1, &array);
  std::uint32_t index = 0;
  append_clause(a.bson(), op, &array, index);
  append_clause(b.bson(), op, &array, index);
  bson_append_array_end(out.get(), &array);
  return out;
}
}  // namespace

Filter operator&&(Filter a, Filter b) {
  if (a.matches_all()) return b;
  if (b.matches_all()) return a;
  return Filter::raw(combine(a, b, "$and"));
}

Filter operator||(Filter a, Filter b) {
  // "matches everything" or anything is still everything.
  if (a.matches_all() || b.matches_all()) return Filter();
  return Filter::raw(combine(a, b, "$or"));
}

Filter operator!(Filter a) {
  Document out;
  bson_t array;
  bson_append_array_begin(out.get(), "$nor", -1, &array);
  bson_append_document(&array, "0", -1, a.bson().get());
  bson_append_array_end(out.get(), &array);
  return Filter::raw(std::move(out));
}

Update Update::raw(Document update) {
  Update u;
  u.raw_ = std::move(update);
  return u;
}

void Update::touch(const std::string& name, TimePoint now) {
  if (raw_) return;
  bson_iter_t it;
  if (bson_iter_init_find(&it, set_.get(), name.c_str())) return;
  append(set_.get(), name, now);
}

bool Update::empty() const noexcept {
  if (raw_) return raw_->empty();
  return set_.empty() && unset_.empty() && inc_.empty();
}

Document Update::to_bson() const {
  if (raw_) return *raw_;
  Document out;
  if (!set_.empty()) bson_append_document(out.get(), "$set", -1, set_.get());
  if (!unset_.empty()) bson_append_document(out.get(), "$unset", -1, unset_.get());
  if (!inc_.empty()) bson_append_document(out.get(), "$inc", -1, inc_.get());
  return out;
}

}  // namespace vibework::mongodb
