#include "vibework/mongodb/index_spec.hpp"

#include <bson/bson.h>

namespace vibework::mongodb {

std::string IndexSpec::effective_name() const {
  if (!name.empty()) return name;
  std::string out;
  for (const auto& key : keys) {
    if (!out.empty()) out += '_';
    out += key.name + (key.direction < 0 ? "_-1" : "_1");
  }
  return out;
}

Document IndexSpec::to_bson() const {
  Document doc;
  Document key_doc = sort_document(keys);
  bson_append_document(doc.get(), "key", -1, key_doc.get());
  const std::string n = effective_name();
  bson_append_utf8(doc.get(), "name", -1, n.data(), static_cast<int>(n.size()));
  if (unique) bson_append_bool(doc.get(), "unique", -1, true);
  if (expire_after) bson_append_int64(doc.get(), "expireAfterSeconds", -1, expire_after->count());
  return doc;
}

}  // namespace vibework::mongodb
