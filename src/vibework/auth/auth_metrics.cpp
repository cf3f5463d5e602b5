#include "vibework/auth/auth_metrics.hpp"

#include <exception>

#include "vibework/http/http_error.hpp"

namespace vibework::auth {

void OutcomeCounters::record(unsigned status) const noexcept {
  if (status >= 200 && status < 300) success.inc();
  else if (status == 401) rejected.inc();
  else if (status >= 400 && status < 500) refused.inc();
  else error.inc();
}

namespace {
OutcomeCounters outcome_counters(infra::metrics::Registry& r, std::string_view name, std::string_view help) {
  auto family = r.counter_family(name, help, {"outcome"});
  return {family.labels({"success"}), family.labels({"invalid_credentials"}), family.labels({"refused"}),
          family.labels({"error"})};
}
}  // namespace

void AuthMetrics::attach(infra::metrics::Registry& r) {
  sign_ins = outcome_counters(r, "auth_sign_ins_total",
                              "Email sign-ins by outcome (success, invalid_credentials, refused: other 4xx, error).");
  sign_ups = outcome_counters(r, "auth_sign_ups_total",
                              "Email sign-ups by outcome (success, refused: bad input or a taken email, error).");
  rate_limited = r.counter("auth_rate_limited_total", "Auth requests refused with 429 by the rate limiter.");
}

http::Handler counted(const OutcomeCounters& counters, http::Handler inner) {
  return [&counters, inner = std::move(inner)](http::Request& req) -> awaitable<http::Response> {
    std::exception_ptr failure;
    try {
      auto res = co_await inner(req);
      counters.record(res.result_int());
      co_return res;
    } catch (const http::HttpError& e) {
      counters.record(static_cast<unsigned>(e.status()));
      failure = std::current_exception();
    } catch (...) {
      counters.record(500);
      failure = std::current_exception();
    }
    std::rethrow_exception(failure);
  };
}

}  // namespace vibework::auth
