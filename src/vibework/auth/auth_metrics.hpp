#pragma once
// Internal to auth: auth_sign_ins_total{outcome}, auth_sign_ups_total{outcome} and
// auth_rate_limited_total. Default handles record nothing (Auth::attach_metrics fills them).
#include "vibework/http/router.hpp"
#include "vibework/infra/metrics/registry.hpp"

namespace vibework::auth {

struct OutcomeCounters {
  infra::metrics::Counter success;     // 2xx
  infra::metrics::Counter rejected;    // 401: invalid email or password
  infra::metrics::Counter refused;     // other 4xx: bad input, unverified email, taken email, CSRF
  infra::metrics::Counter error;       // anything else (a dependency failed)
  void record(unsigned status) const noexcept;
};

struct AuthMetrics {
  OutcomeCounters sign_ins;
  OutcomeCounters sign_ups;
  infra::metrics::Counter rate_limited;

  void attach(infra::metrics::Registry& registry);
};

// `inner` with its outcome counted in `counters` (which must outlive the handler).
http::Handler counted(const OutcomeCounters& counters, http::Handler inner);

}  // namespace vibework::auth
