#pragma once
// What the server knows about one open connection, and which connections to close when it is at
// HTTP_MAX_CONNECTIONS: the oldest of those that are idle between requests or have not finished
// sending their request (a slow or stalled client), never one whose request is being handled or
// answered. Internal to the server (server.cpp); here so the choice can be tested on its own.
#include <chrono>
#include <cstddef>
#include <unordered_set>
#include <vector>

#include <boost/asio/ip/tcp.hpp>

namespace vibework::http {

using ConnectionClock = std::chrono::steady_clock;

enum class ConnectionPhase {
  idle,      // waiting for the first byte of a request: new, or keep-alive between requests
  reading,   // receiving a request
  handling,  // its request is being handled
  writing,   // sending the response
  closing,   // done: closing gracefully, or closed to make room
};

constexpr bool evictable(ConnectionPhase phase) noexcept {
  return phase == ConnectionPhase::idle || phase == ConnectionPhase::reading;
}

// The server's Session adds the read/write deadline. Lives on the session coroutine's frame and
// is touched only from its I/O thread.
struct Connection {
  boost::asio::ip::tcp::socket* socket = nullptr;
  ConnectionPhase phase = ConnectionPhase::idle;
  ConnectionClock::time_point since{};  // when it entered its phase
  bool timed_out = false;  // its read or write deadline cancelled the pending operation
  bool evicted = false;    // closed to make room at the connection cap
};

// Up to `count` evictable connections, the one longest in its phase first. Scans every
// connection: it runs only at the cap, never per request.
std::vector<Connection*> oldest_evictable(const std::unordered_set<Connection*>& connections, std::size_t count);

}  // namespace vibework::http
