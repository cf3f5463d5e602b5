#pragma once
// Sort keys and find options: what Collection and IndexSpec take, without the typed query
// templates (query.hpp), so their headers need no driver headers.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "vibework/mongodb/document.hpp"

namespace vibework::mongodb {

struct SortKey {
  std::string name{};
  int direction = 1;  // 1 ascending, -1 descending
};

struct FindOptions {
  std::vector<SortKey> sort{};
  std::int64_t limit = 0;  // 0 = no limit
  std::int64_t skip = 0;
  // Only for find_raw(); the typed finds project themselves (find_as<View> asks for View's fields).
  std::optional<Document> projection{};
};

// {name: 1 | -1, ...} in order.
Document sort_document(const std::vector<SortKey>& sort);

}  // namespace vibework::mongodb
