#pragma once
// The standard process_* metrics (read from /proc at scrape time, so they cost nothing between
// scrapes) and vibework_build_info{version,commit}.
#include <vector>

#include "vibework/infra/metrics/registry.hpp"

namespace vibework::infra::metrics {

class ProcessMetrics {
 public:
  explicit ProcessMetrics(Registry& registry);

 private:
  std::vector<Registration> registrations_;
};

}  // namespace vibework::infra::metrics
