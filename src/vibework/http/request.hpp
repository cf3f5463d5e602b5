#pragma once
// What a route handler receives: the parsed HTTP request plus what the server learned about it.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

namespace vibework::http {

namespace beast_http = boost::beast::http;
using Verb = beast_http::verb;
using Status = beast_http::status;

// Path parameters captured by the router: "/users/:id" matched by "/users/42" -> {"id","42"}.
class PathParams {
 public:
  void add(std::string name, std::string value) { items_.emplace_back(std::move(name), std::move(value)); }
  // Empty when the parameter is absent (the router guarantees declared ones are present).
  std::string_view get(std::string_view name) const;
  void clear() { items_.clear(); }

 private:
  std::vector<std::pair<std::string, std::string>> items_;
};

struct Request {
  beast_http::request<beast_http::string_body> message;
  std::string request_id;  // from X-Request-Id, or generated
  std::string remote;      // peer address
  PathParams params;

  Verb method() const { return message.method(); }
  std::string_view target() const { return message.target(); }
  // The target without the query string.
  std::string_view path() const;
  // The raw value of a query parameter (no percent-decoding of '+'); empty when absent.
  std::string_view query(std::string_view name) const;
  std::string_view header(std::string_view name) const;
  const std::string& body() const { return message.body(); }
};

}  // namespace vibework::http
