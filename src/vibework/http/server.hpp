#pragma once
// http::Server: HTTP/1.1 on Boost.Beast with C++20 coroutines.
//
// One acceptor per I/O thread on the same port (SO_REUSEPORT: the kernel spreads connections),
// each connection served by a coroutine on its thread: keep-alive, header/body limits, idle and
// read timeouts, a JSON error for every malformed request. At most HttpConfig::max_connections
// are open across the threads: above it, the oldest connections that are idle or have not
// finished sending their request are closed first (a slow client cannot starve probes and real
// requests), never one whose request is being handled. stop() is graceful: stop accepting,
// close idle keep-alive connections, let in-flight requests finish (their responses carry
// "Connection: close"), and after the shutdown timeout close whatever is left.
#include <chrono>
#include <cstdint>
#include <memory>
#include <string_view>

#include "vibework/http/router.hpp"
#include "vibework/infra/component.hpp"
#include "vibework/http/config.hpp"

namespace vibework::infra {
class Runtime;
namespace metrics {
class Registry;
}
}  // namespace vibework::infra

namespace vibework::http {

class Server final : public infra::Component {
 public:
  // Serves `router` (which must outlive the server) on every I/O thread of `runtime`. With
  // `metrics`, records the http_* metrics there (null: none, and no cost).
  Server(const Config& config, infra::Runtime& runtime, const Router& router,
         infra::metrics::Registry* metrics = nullptr);
  ~Server() override;

  std::string_view name() const override { return "http"; }
  awaitable<void> start() override;
  awaitable<void> stop() override;

  std::uint16_t port() const noexcept;
  // Connections currently open (for tests and diagnostics).
  int open_connections() const noexcept;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace vibework::http
