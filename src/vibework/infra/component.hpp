#pragma once
// Component: one external service (or the HTTP server) with an ordered start and stop.
//
// Every component has the same shape:
//  - constructed from its own configuration section and the Runtime, with no I/O;
//  - start(): create the client or pool and make a first round trip. A service that cannot be
//    reached (yet) is not a start failure (see first_contact() in lifecycle.hpp): readiness
//    reports it and the client recovers by itself when the service comes back. Throw an
//    infra::Error only for what will not fix itself (wrong credentials, an index conflict, a
//    changed migration file, invalid options);
//  - stop(): drain in-flight work, then close. Must not throw; bounded by the caller's timeout;
//  - checks(): the health checks it offers; the lifecycle registers them with readiness once the
//    component has started.
// Components are created and ordered in one place (vibework/app/infrastructure.cpp for the
// reference service), started in order (MySQL -> MongoDB -> Redis -> Pub/Sub -> auth -> HTTP)
// and stopped in reverse.
#include <string_view>
#include <vector>

#include "vibework/infra/asio.hpp"
#include "vibework/infra/health.hpp"

namespace vibework::infra {

class Component {
 public:
  virtual ~Component() = default;
  virtual std::string_view name() const = 0;
  virtual awaitable<void> start() = 0;
  virtual awaitable<void> stop() = 0;
  // Probes the component may run once started (they reference it: it outlives its readiness).
  virtual std::vector<HealthCheck> checks() { return {}; }
};

}  // namespace vibework::infra
