#include "http_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/string.hpp>

#include "deadline_io.hpp"
#include "vibework/testkit/eventually.hpp"
#include "vibework/testkit/ports.hpp"

namespace vibework::e2e {

namespace http = boost::beast::http;
using tcp = boost::asio::ip::tcp;

TestClient::TestClient(unsigned short port) : socket_(ctx_) {
  socket_.connect(tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), port));
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
  // Bounded: a server that never answers fails the test instead of hanging it.
  const auto ec = run_within(ctx_, socket_, std::chrono::seconds(30),
                             [&](auto handler) { http::async_read(socket_, buffer_, parser, handler); });
  if (ec == boost::asio::error::timed_out) throw boost::system::system_error(ec, "no HTTP response within 30 s");
  if (ec) throw boost::system::system_error(ec, "reading the HTTP response");
  result.message = parser.release();
  result.status = result.message.result_int();
  result.body = result.message.body();
  return result;
}

bool TestClient::closed_by_server(std::chrono::milliseconds limit) {
  char byte = 0;
  const auto ec = run_within(ctx_, socket_, limit,
                             [&](auto handler) { socket_.async_read_some(boost::asio::buffer(&byte, 1), handler); });
  return ec == boost::asio::error::eof || ec == boost::asio::error::connection_reset;
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
