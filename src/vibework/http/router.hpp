#pragma once
// Router: method + path pattern -> handler. Patterns are literal segments and ":name"
// parameters ("/users/:id"); a final "*" matches the rest of the path. Literal routes win over
// parameter routes at the same position, and any route over a "*" route as literal as it; a path
// that matches with another method gives 405.
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "vibework/http/request.hpp"
#include "vibework/http/response.hpp"
#include "vibework/infra/asio.hpp"

namespace vibework::http {

using Handler = std::function<awaitable<Response>(Request&)>;

class Router {
 public:
  void add(Verb method, std::string_view pattern, Handler handler);
  void get(std::string_view pattern, Handler h) { add(Verb::get, pattern, std::move(h)); }
  void post(std::string_view pattern, Handler h) { add(Verb::post, pattern, std::move(h)); }
  void put(std::string_view pattern, Handler h) { add(Verb::put, pattern, std::move(h)); }
  void patch(std::string_view pattern, Handler h) { add(Verb::patch, pattern, std::move(h)); }
  void del(std::string_view pattern, Handler h) { add(Verb::delete_, pattern, std::move(h)); }

  struct Match {
    const Handler* handler = nullptr;  // null: no route for this method and path
    std::string allow;                 // methods that would match the path, for 405's Allow header
    const std::string* pattern = nullptr;  // the matched route's template ("/users/:id"), for metrics
  };
  // Fills `params` for the matched route.
  Match match(Verb method, std::string_view path, PathParams& params) const;

 private:
  struct Segment {
    std::string text;
    bool parameter = false;
    bool rest = false;
  };
  struct Route {
    Verb method;
    std::vector<Segment> segments;
    Handler handler;
    std::string pattern;
    int score = 0;  // higher = more literal segments, tried first
  };
  struct PathHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view path) const noexcept { return std::hash<std::string_view>{}(path); }
  };
  static bool matches(const Route& route, const std::vector<std::string_view>& parts, PathParams* params);
  bool match_literal(Verb method, std::string_view path, Match& result) const;
  std::vector<Route> routes_;  // most literal first
  // Routes without parameters, by their path (indexes into routes_): most requests name one, and
  // finding it should not cost a walk over every route.
  std::unordered_map<std::string, std::vector<std::size_t>, PathHash, std::equal_to<>> literal_;
};

}  // namespace vibework::http
