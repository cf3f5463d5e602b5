#pragma once
// Component: one external service (or the HTTP server) with an ordered start and stop.
// Components are created and wired in one place (vibework/app/infrastructure.cpp), started in
// order (MySQL -> MongoDB -> Redis -> Pub/Sub -> auth -> HTTP) and stopped in reverse.
#include <string_view>

#include "vibework/infra/asio.hpp"

namespace vibework::infra {

struct Config;
class Readiness;
class Runtime;

class Component {
 public:
  virtual ~Component() = default;
  virtual std::string_view name() const = 0;
  // Create the client/pool, register the health check with readiness, try one round trip.
  // A service that is merely unreachable is NOT a start failure: log a warning with the hint
  // and start anyway (readiness reports it, and the client recovers by itself when the
  // service comes back; `vibework doctor` relies on this to report every service).
  // Throw an infra::Error only for what will not fix itself (an index conflict, a changed
  // migration file, invalid options).
  virtual awaitable<void> start() = 0;
  // Drain in-flight work, then close. Must not throw; bounded by the caller's timeout.
  virtual awaitable<void> stop() = 0;
};

}  // namespace vibework::infra
