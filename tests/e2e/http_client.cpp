#include "http_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/string.hpp>

#include "vibework/testkit/eventually.hpp"
#include "vibework/testkit/ports.hpp"

namespace vibework::e2e {

namespace http = boost::beast::http;
using tcp = boost::asio::ip::tcp;

TestClient::TestClient(unsigned short port) : socket_(ctx_) {
  socket_.connect(tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), port));
  // Blocking reads in tests must not hang forever if the server misbehaves.
  timeval tv{10, 0};
  setsockopt(socket_.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
}

HttpResult TestClient::request(http::verb method, const std::string& target, const std::string& body,
                               const std::string& content_type, const std::string& request_id) {
  http::request<http::string_body> req{method, target, 11};
  req.set(http::field::host, "127.0.0.1");
  if (!request_id.empty()) req.set("X-Request-Id", request_id);
  if (!body.empty()) {
    req.set(http::field::content_type, content_type);
    req.body() = body;
  }
  req.prepare_payload();
  http::write(socket_, req);
  return read_response();
}

HttpResult TestClient::send(http::verb method, const std::string& target, const Headers& headers,
                            const std::string& body) {
  http::request<http::string_body> req{method, target, 11};
  bool has_host = false;
  for (const auto& [name, value] : headers) {
    req.insert(name, value);
    if (boost::beast::iequals(name, "Host")) has_host = true;
  }
  if (!has_host) req.set(http::field::host, "127.0.0.1");
  req.body() = body;
  req.prepare_payload();
  http::write(socket_, req);
  return read_response();
}

HttpResult TestClient::raw(const std::string& bytes) {
  boost::asio::write(socket_, boost::asio::buffer(bytes));
  return read_response();
}

HttpResult TestClient::read_response() {
  HttpResult result;
  http::response_parser<http::string_body> parser;
  parser.body_limit(64 * 1024 * 1024);
  http::read(socket_, buffer_, parser);
  result.message = parser.release();
  result.status = result.message.result_int();
  result.body = result.message.body();
  return result;
}

bool TestClient::closed_by_server(std::chrono::milliseconds limit) {
  timeval tv{static_cast<time_t>(limit.count() / 1000), static_cast<suseconds_t>((limit.count() % 1000) * 1000)};
  setsockopt(socket_.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  char byte = 0;
  boost::system::error_code ec;
  const auto n = socket_.read_some(boost::asio::buffer(&byte, 1), ec);
  return n == 0 && (ec == boost::asio::error::eof || ec == boost::asio::error::connection_reset);
}

bool wait_until_listening(unsigned short port, std::chrono::milliseconds limit) {
  return testkit::eventually([port] { return testkit::port_accepts(port); }, limit, std::chrono::milliseconds(20));
}

bool connection_refused(unsigned short port) {
  boost::asio::io_context ctx;
  tcp::socket s(ctx);
  boost::system::error_code ec;
  s.connect(tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), port), ec);
  return ec == boost::asio::error::connection_refused;
}

}  // namespace vibework::e2e
