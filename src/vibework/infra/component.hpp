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
  // Connect, verify the service answers, register the health check with readiness.
  // Throws an infra::Error naming the service and the fix when it cannot start.
  virtual awaitable<void> start() = 0;
  // Drain in-flight work, then close. Must not throw; bounded by the caller's timeout.
  virtual awaitable<void> stop() = 0;
};

}  // namespace vibework::infra
