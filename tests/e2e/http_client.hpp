#pragma once
// A minimal blocking HTTP/1.1 client for black-box tests (one connection, keep-alive).
#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

namespace vibework::e2e {

// Request headers in the order they are sent (a name may repeat).
using Headers = std::vector<std::pair<std::string, std::string>>;

struct HttpResult {
  unsigned status = 0;
  std::string body;
  boost::beast::http::response<boost::beast::http::string_body> message;
};

class TestClient {
 public:
  explicit TestClient(unsigned short port);
  // Throws on connection errors.
  HttpResult request(boost::beast::http::verb method, const std::string& target, const std::string& body = "",
                     const std::string& content_type = "application/json",
                     const std::string& request_id = "");
  // A request with headers of the caller's choice (Content-Type among them when wanted); Host
  // is added unless given.
  HttpResult send(boost::beast::http::verb method, const std::string& target, const Headers& headers,
                  const std::string& body = "");
  // Writes raw bytes and reads one response (for malformed requests).
  HttpResult raw(const std::string& bytes);
  // True when the server closed the connection (read returns EOF) within `limit`.
  bool closed_by_server(std::chrono::milliseconds limit);

 private:
  HttpResult read_response();
  boost::asio::io_context ctx_;
  boost::asio::ip::tcp::socket socket_;
  boost::beast::flat_buffer buffer_;
};

// Waits until the server accepts connections on `port` (bounded).
bool wait_until_listening(unsigned short port, std::chrono::milliseconds limit);
// True when a new connection to `port` is refused.
bool connection_refused(unsigned short port);

}  // namespace vibework::e2e
