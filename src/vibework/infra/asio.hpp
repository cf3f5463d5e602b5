#pragma once
// The Asio vocabulary every part of vibework uses: C++20 coroutines on Boost.Asio.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace vibework {
namespace asio = boost::asio;
using asio::awaitable;
using asio::use_awaitable;
}  // namespace vibework
