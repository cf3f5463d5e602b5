#include "vibework/http/connection.hpp"

#include <algorithm>

namespace vibework::http {

std::vector<Connection*> oldest_evictable(const std::unordered_set<Connection*>& connections, std::size_t count) {
  std::vector<Connection*> candidates;
  for (auto* c : connections) {
    if (evictable(c->phase)) candidates.push_back(c);
  }
  const auto older = [](const Connection* a, const Connection* b) { return a->since < b->since; };
  if (candidates.size() > count) {
    std::nth_element(candidates.begin(), candidates.begin() + static_cast<std::ptrdiff_t>(count), candidates.end(), older);
    candidates.resize(count);
  }
  std::sort(candidates.begin(), candidates.end(), older);
  return candidates;
}

}  // namespace vibework::http
