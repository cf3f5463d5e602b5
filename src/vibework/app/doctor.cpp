// `vibework doctor`: start every component, run the readiness checks and print a table (service,
// address, status, latency, and for failures the message and what to try). Once, or with
// --watch every interval until SIGINT/SIGTERM, on a screen that also shows how long each service
// has been in its state and the last errors.
#include <csignal>
#include <future>
#include <iostream>
#include <optional>
#include <string>

#include <unistd.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

#include "vibework/app/commands.hpp"
#include "vibework/app/doctor_view.hpp"
#include "vibework/app/infrastructure.hpp"
#include "vibework/infra/health.hpp"
#include "vibework/infra/metrics/registry.hpp"
#include "vibework/infra/runtime.hpp"

namespace vibework::app {

namespace {
// Watches until a signal: each report replaces the screen on a terminal, follows the last one
// (separated by a blank line) when the output is a file or a pipe.
awaitable<void> watch(infra::Readiness& readiness, asio::signal_set& signals, std::chrono::milliseconds interval) {
  const bool terminal = ::isatty(STDOUT_FILENO) == 1;
  WatchView view(interval);
  asio::steady_timer timer(co_await asio::this_coro::executor);
  bool stop = false;
  signals.async_wait([&](const boost::system::error_code& ec, int) {
    if (ec) return;
    stop = true;
    timer.cancel();
  });
  while (!stop) {
    const auto report = co_await readiness.report();
    const auto screen = view.update(report, WatchView::Clock::now());
    std::cout << (terminal ? "\x1b[H\x1b[2J" : "\n") << screen << std::flush;
    if (stop) break;
    timer.expires_after(interval);
    boost::system::error_code ec;
    co_await timer.async_wait(asio::redirect_error(use_awaitable, ec));
  }
}
}  // namespace

int run_doctor(const AppConfig& config, const DoctorOptions& options) {
  infra::Runtime runtime({1, config.blocking_threads});
  infra::Readiness readiness(config.health_timeout);
  infra::metrics::Registry metrics;  // nobody scrapes it: the components just need one
  auto infrastructure = build_infrastructure(config, runtime, readiness, metrics);
  // Only a watch catches the signals: a one-shot doctor stops at Ctrl-C like any tool.
  std::optional<asio::signal_set> signals;
  if (options.watch) signals.emplace(runtime.io_context(0), SIGINT, SIGTERM);
  std::promise<int> exit_code;
  runtime.start();
  asio::co_spawn(
      runtime.io_context(0),
      [&]() -> awaitable<void> {
        int code = exit_ok;
        try {
          co_await infrastructure->lifecycle.start_all();
          if (options.watch) {
            co_await watch(readiness, *signals, options.interval);
          } else {
            const auto report = co_await readiness.report();
            std::cout << render_report(report);
            code = report.ok && !report.degraded ? exit_ok : exit_failure;  // doctor: every service must pass
          }
        } catch (const std::exception& e) {
          std::cout << "vibework could not start its components: " << e.what() << "\n";
          code = exit_failure;
        }
        co_await infrastructure->lifecycle.stop_all(config.shutdown_timeout);
        exit_code.set_value(code);
      },
      asio::detached);
  const int code = exit_code.get_future().get();
  if (signals) {
    // The error code lives in the handler: it runs on the I/O thread after this block has ended.
    asio::post(runtime.io_context(0), [&signals] {
      boost::system::error_code ignored;
      signals->cancel(ignored);
    });
  }
  runtime.join();
  return code;
}

}  // namespace vibework::app
