#pragma once
// Internal to the server: the http_* metrics. Every handle the request path records into is
// resolved once per I/O thread (ThreadCache), so a request takes no lock and allocates nothing.
#include <cstddef>
#include <functional>
#include <string>
#include <unordered_map>

#include "vibework/http/request.hpp"
#include "vibework/infra/metrics/registry.hpp"

namespace vibework::http {

class ServerMetrics {
 public:
  ServerMetrics(infra::metrics::Registry& registry, std::function<double()> open_connections);

  // One per I/O thread, touched only by it.
  class ThreadCache {
   public:
    struct Key {
      const std::string* route;  // the router's template; null = unmatched
      Verb method;
      unsigned status_class;
      bool operator==(const Key&) const = default;
    };
    struct KeyHash {
      std::size_t operator()(const Key& k) const noexcept;
    };
    struct Handles {
      infra::metrics::Counter requests;
      infra::metrics::Histogram duration;
    };
    std::unordered_map<Key, Handles, KeyHash> handles;
  };

  // Around the handler: http_requests_in_flight.
  void request_started() const noexcept { in_flight_.inc(); }
  void request_handled() const noexcept { in_flight_.dec(); }
  // `route` is the matched template (null: no route, or rejected before routing).
  void request_finished(ThreadCache& cache, const std::string* route, Verb method, unsigned status,
                        double seconds) const;

  static std::string_view method_label(Verb method) noexcept;  // "OTHER" for unknown verbs
  static std::string_view rejection_reason(unsigned status) noexcept;  // empty: not a rejection

 private:
  infra::metrics::CounterFamily requests_;
  infra::metrics::HistogramFamily duration_;
  infra::metrics::Gauge in_flight_;
  infra::metrics::Counter rejected_[5];  // by rejection_index()
  infra::metrics::Registration connections_;
};

}  // namespace vibework::http
