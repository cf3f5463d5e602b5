#include "vibework/mongodb/find_options.hpp"

#include <bson/bson.h>

namespace vibework::mongodb {

Document sort_document(const std::vector<SortKey>& sort) {
  Document doc;
  for (const auto& key : sort) {
    bson_append_int32(doc.get(), key.name.data(), static_cast<int>(key.name.size()), key.direction < 0 ? -1 : 1);
  }
  return doc;
}

}  // namespace vibework::mongodb
