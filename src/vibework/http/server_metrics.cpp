#include "vibework/http/server_metrics.hpp"

#include <array>

namespace vibework::http {

namespace metrics = infra::metrics;

namespace {
constexpr std::array<std::pair<unsigned, std::string_view>, 5> rejections{{
    {408, "timeout"},
    {413, "body_too_large"},
    {429, "rate_limited"},
    {431, "headers_too_large"},
    {503, "unavailable"},
}};
constexpr std::string_view status_classes[] = {"other", "1xx", "2xx", "3xx", "4xx", "5xx"};
constexpr std::string_view unmatched = "unmatched";
}  // namespace

std::size_t ServerMetrics::ThreadCache::KeyHash::operator()(const Key& k) const noexcept {
  return std::hash<const void*>{}(k.route) ^ (static_cast<std::size_t>(k.method) << 8) ^ k.status_class;
}

ServerMetrics::ServerMetrics(metrics::Registry& r, std::function<double()> open_connections)
    : requests_(r.counter_family("http_requests_total", "HTTP requests answered, by route template, method and status class.",
                                 {"method", "route", "status"})),
      duration_(r.histogram_family("http_request_duration_seconds",
                                   "Time from a request's first byte to its response written, by route template and method.",
                                   {"method", "route"}, metrics::buckets::latency_seconds())),
      in_flight_(r.gauge("http_requests_in_flight", "HTTP requests being handled or answered.")),
      connections_(r.gauge_callback("http_connections_open", "HTTP connections open.", std::move(open_connections))) {
  auto rejected = r.counter_family("http_requests_rejected_total",
                                   "Requests refused by the server or a limit (408, 413, 429, 431, 503), by reason.",
                                   {"reason"});
  for (std::size_t i = 0; i < rejections.size(); ++i) rejected_[i] = rejected.labels({rejections[i].second});
}

std::string_view ServerMetrics::method_label(Verb method) noexcept {
  if (method == Verb::unknown) return "OTHER";
  return beast_http::to_string(method);
}

std::string_view ServerMetrics::rejection_reason(unsigned status) noexcept {
  for (const auto& [code, reason] : rejections) {
    if (code == status) return reason;
  }
  return {};
}

void ServerMetrics::request_finished(ThreadCache& cache, const std::string* route, Verb method, unsigned status,
                                     double seconds) const {
  const unsigned status_class = status >= 100 && status < 600 ? status / 100 : 0;
  const ThreadCache::Key key{route, method, status_class};
  auto it = cache.handles.find(key);
  if (it == cache.handles.end()) {  // first time on this thread: resolve under the registry's lock
    const std::string_view route_label = route ? std::string_view(*route) : unmatched;
    const auto method_name = method_label(method);
    ThreadCache::Handles h{requests_.labels({method_name, route_label, status_classes[status_class]}),
                           duration_.labels({method_name, route_label})};
    it = cache.handles.emplace(key, h).first;
  }
  it->second.requests.inc();
  it->second.duration.observe(seconds);
  for (std::size_t i = 0; i < rejections.size(); ++i) {
    if (rejections[i].first == status) rejected_[i].inc();
  }
}

}  // namespace vibework::http
