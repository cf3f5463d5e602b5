#pragma once
// The process loop `serve` and `worker` share: start the runtime and every component, log
// `started()`'s line, wait for SIGTERM/SIGINT, turn readiness off, stop the components in
// reverse order within `shutdown_timeout`, join. A second signal exits at once. Returns the
// exit code: 0 after a clean stop, 1 when the components could not start.
#include <chrono>
#include <functional>
#include <string>

namespace vibework::infra {
class Lifecycle;
class Readiness;
class Runtime;
}  // namespace vibework::infra

namespace vibework::app {

struct RunLoop {
  std::string name;                    // "vibework", "vibework worker": for the log lines
  std::function<std::string()> started;  // what to log once everything runs
  std::chrono::milliseconds shutdown_timeout;
};

int run_until_signal(infra::Runtime& runtime, infra::Readiness& readiness, infra::Lifecycle& lifecycle,
                     const RunLoop& loop);

}  // namespace vibework::app
