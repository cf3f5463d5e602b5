#include "vibework/http/router.hpp"

#include <algorithm>
#include <stdexcept>

namespace vibework::http {

namespace {
std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (start < path.size()) {
    if (path[start] == '/') {
      ++start;
      continue;
    }
    auto end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    parts.push_back(path.substr(start, end - start));
    start = end;
  }
  return parts;
}
}  // namespace

void Router::add(Verb method, std::string_view pattern, Handler handler) {
  if (pattern.empty() || pattern.front() != '/') throw std::invalid_argument("route pattern must start with '/'");
  Route route{method, {}, std::move(handler), std::string(pattern), 0};
  const auto parts = split_path(pattern);
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const auto p = parts[i];
    Segment s;
    if (p == "*") {
      if (i + 1 != parts.size()) throw std::invalid_argument("'*' must be the last segment of a route");
      s.rest = true;
    } else if (p.front() == ':') {
      s.parameter = true;
      s.text = std::string(p.substr(1));
    } else {
      s.text = std::string(p);
      route.score += 1;
    }
    route.segments.push_back(std::move(s));
  }
  routes_.push_back(std::move(route));
  // More literal segments first; at a tie a route without "*" first (it is the more specific);
  // stable: among equals, the first registered wins.
  const auto rank = [](const Route& r) { return 2 * r.score + (r.segments.empty() || !r.segments.back().rest ? 1 : 0); };
  std::stable_sort(routes_.begin(), routes_.end(), [&](const Route& a, const Route& b) { return rank(a) > rank(b); });
  literal_.clear();
  for (std::size_t i = 0; i < routes_.size(); ++i) {
    const auto& r = routes_[i];
    if (static_cast<std::size_t>(r.score) != r.segments.size()) continue;  // has a parameter or "*"
    std::string path;
    for (const auto& segment : r.segments) path += "/" + segment.text;
    literal_[path.empty() ? "/" : path].push_back(i);
  }
}

// The fast path: a path written the canonical way (no "//", no trailing "/") that names a
// literal route of this method. Anything else (405's Allow included) takes the full walk.
bool Router::match_literal(Verb method, std::string_view path, Match& result) const {
  if (path.find("//") != std::string_view::npos || (path.size() > 1 && path.back() == '/')) return false;
  const auto it = literal_.find(path);
  if (it == literal_.end()) return false;
  for (const auto i : it->second) {
    const auto& route = routes_[i];
    if (route.method == method || (method == Verb::head && route.method == Verb::get)) {
      result.handler = &route.handler;
      result.pattern = &route.pattern;
      return true;
    }
  }
  return false;
}

bool Router::matches(const Route& route, const std::vector<std::string_view>& parts, PathParams* params) {
  const auto& segs = route.segments;
  const bool has_rest = !segs.empty() && segs.back().rest;
  const std::size_t fixed = has_rest ? segs.size() - 1 : segs.size();
  if (has_rest ? parts.size() < fixed : parts.size() != fixed) return false;
  for (std::size_t i = 0; i < fixed; ++i) {
    if (!segs[i].parameter && segs[i].text != parts[i]) return false;
  }
  if (params) {
    for (std::size_t i = 0; i < fixed; ++i) {
      if (segs[i].parameter) params->add(segs[i].text, std::string(parts[i]));
    }
  }
  return true;
}

Router::Match Router::match(Verb method, std::string_view path, PathParams& params) const {
  Match result;
  if (match_literal(method, path, result)) {
    params.clear();
    return result;
  }
  const auto parts = split_path(path);
  for (const auto& route : routes_) {
    if (!matches(route, parts, nullptr)) continue;
    if (route.method == method || (method == Verb::head && route.method == Verb::get)) {
      params.clear();
      matches(route, parts, &params);
      result.handler = &route.handler;
      result.pattern = &route.pattern;
      result.allow.clear();
      return result;
    }
    const auto name = beast_http::to_string(route.method);
    if (result.allow.find(name) == std::string::npos) {
      if (!result.allow.empty()) result.allow += ", ";
      result.allow += std::string(name);
    }
  }
  return result;
}

}  // namespace vibework::http
