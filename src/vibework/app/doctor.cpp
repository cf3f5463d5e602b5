// `vibework doctor`: start every component, run the readiness checks once and print a table
// (service, address, status, latency, and for failures the message and what to try).
#include <future>
#include <iostream>
#include <string>
#include <string_view>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "vibework/app/commands.hpp"
#include "vibework/app/infrastructure.hpp"
#include "vibework/infra/health.hpp"
#include "vibework/infra/metrics/registry.hpp"
#include "vibework/infra/runtime.hpp"

namespace vibework::app {

namespace {
void print_table(const infra::ReadinessReport& report) {
  std::cout << fmt::format("{:<10} {:<36} {:<7} {:>9}\n", "SERVICE", "ADDRESS", "STATUS", "LATENCY");
  for (const auto& c : report.checks) {
    std::cout << fmt::format("{:<10} {:<36} {:<7} {:>7}ms\n", c.name, c.address, c.status.is_ok() ? "ok" : "ERROR",
                             c.status.latency.count());
    if (!c.status.is_ok()) {
      // The failure's own hint (the end of its message) is the precise advice, shown once under
      // "try:"; the check's general hint is for failures without one (a timeout, say).
      std::string_view message = c.status.message;
      const std::string suffix = "; " + c.status.hint;
      if (!c.status.hint.empty() && message.ends_with(suffix)) message.remove_suffix(suffix.size());
      const auto& hint = c.status.hint.empty() ? c.hint : c.status.hint;
      std::cout << "           error: " << message << "\n";
      if (!hint.empty()) std::cout << "           try:   " << hint << "\n";
    }
  }
  if (report.checks.empty()) std::cout << "(no services registered)\n";
  std::cout << (!report.ok ? "some services are failing\n"
                 : report.degraded ? "degraded: a non-critical service is failing\n"
                                   : "all services ok\n");
}
}  // namespace

int run_doctor(const AppConfig& config) {
  infra::Runtime runtime({1, config.blocking_threads});
  infra::Readiness readiness(config.health_timeout);
  infra::metrics::Registry metrics;  // nobody scrapes it: the components just need one
  auto infrastructure = build_infrastructure(config, runtime, readiness, metrics);
  std::promise<int> exit_code;
  runtime.start();
  asio::co_spawn(
      runtime.io_context(0),
      [&]() -> awaitable<void> {
        int code = exit_ok;
        try {
          co_await infrastructure->lifecycle.start_all();
          const auto report = co_await readiness.report();
          print_table(report);
          code = report.ok && !report.degraded ? exit_ok : exit_failure;  // doctor: every service must pass
        } catch (const std::exception& e) {
          std::cout << "vibework could not start its components: " << e.what() << "\n";
          code = exit_failure;
        }
        co_await infrastructure->lifecycle.stop_all(config.shutdown_timeout);
        exit_code.set_value(code);
      },
      asio::detached);
  const int code = exit_code.get_future().get();
  runtime.join();
  return code;
}

}  // namespace vibework::app
