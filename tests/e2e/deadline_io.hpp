#pragma once
// One asynchronous socket operation, run for at most `limit`. Tests need this because asio's
// blocking reads ignore SO_RCVTIMEO: when the timeout fires, recv() says EAGAIN and asio polls
// again without a limit, so a server that never answers hung the test instead of failing it.
#include <chrono>
#include <cstddef>
#include <optional>

#include <boost/asio/error.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/system/error_code.hpp>

namespace vibework::e2e {

// `start(handler)` begins the operation on `socket` (which runs on `ctx`); its error, or
// asio::error::timed_out after cancelling it.
template <typename Start>
boost::system::error_code run_within(boost::asio::io_context& ctx, boost::asio::ip::tcp::socket& socket,
                                     std::chrono::milliseconds limit, Start start) {
  std::optional<boost::system::error_code> result;
  start([&result](boost::system::error_code ec, std::size_t) { result = ec; });
  ctx.restart();
  ctx.run_for(limit);
  if (result) return *result;
  boost::system::error_code ignored;
  socket.cancel(ignored);  // the handler runs with operation_aborted
  ctx.restart();
  ctx.run();
  return boost::asio::error::timed_out;
}

}  // namespace vibework::e2e
