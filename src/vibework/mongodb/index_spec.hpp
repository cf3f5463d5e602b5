#pragma once
// An index declared next to a model and ensured when the Database starts (createIndexes is a
// no-op for an index that already exists with the same keys and options).
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "vibework/mongodb/document.hpp"
#include "vibework/mongodb/find_options.hpp"

namespace vibework::mongodb {

struct IndexSpec {
  std::vector<SortKey> keys{};                         // {Notification::user_id.asc(), ...}
  std::string name{};                                // empty: MongoDB's own naming, "userId_1_read_1"
  bool unique = false;
  std::optional<std::chrono::seconds> expire_after{};  // TTL index: documents expire this long after the date field

  std::string effective_name() const;
  // The element of createIndexes' "indexes" array.
  Document to_bson() const;
};

struct CollectionIndexes {
  std::string collection{};
  std::vector<IndexSpec> indexes{};
};

}  // namespace vibework::mongodb
