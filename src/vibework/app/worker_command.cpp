// `vibework worker`: every component but HTTP, plus the worker (app/worker/worker.hpp), until
// SIGTERM/SIGINT. Then the components stop in reverse order, the worker first: its held
// messages are nacked for redelivery, nothing is lost, and the process exits 0. A second signal
// exits at once.
#include <csignal>
#include <future>

#include <boost/asio/signal_set.hpp>
#include <spdlog/spdlog.h>

#include "vibework/app/commands.hpp"
#include "vibework/app/infrastructure.hpp"
#include "vibework/app/worker/worker.hpp"
#include "vibework/infra/health.hpp"
#include "vibework/infra/runtime.hpp"

namespace vibework::app {

std::shared_ptr<worker::Worker> add_worker(Infrastructure& infrastructure) {
  return infrastructure.lifecycle.add(
      std::make_shared<worker::Worker>(*infrastructure.mongodb, *infrastructure.redis, *infrastructure.pubsub));
}

int run_worker(const AppConfig& config) {
  for (const auto& line : config.describe()) spdlog::info("config: {}", line);
  infra::Runtime runtime({config.get<http::Config>().threads, config.blocking_threads});
  infra::Readiness readiness(config.health_timeout);
  auto infrastructure = build_infrastructure(config, runtime, readiness);
  add_worker(*infrastructure);  // last to start, first to stop

  std::promise<int> exit_code;
  asio::signal_set signals(runtime.io_context(0), SIGINT, SIGTERM);
  runtime.start();
  asio::co_spawn(
      runtime.io_context(0),
      [&]() -> awaitable<void> {
        try {
          co_await infrastructure->lifecycle.start_all();
        } catch (const std::exception& e) {
          spdlog::critical("vibework worker could not start: {}", e.what());
          exit_code.set_value(exit_failure);
          co_return;
        }
        spdlog::info("vibework worker running (SIGTERM or SIGINT stops it)");
        const int signal_number = co_await signals.async_wait(use_awaitable);
        spdlog::info("received signal {}: stopping the worker (a second signal exits at once)", signal_number);
        readiness.set_shutting_down();
        signals.async_wait([](const boost::system::error_code& ec, int) {
          if (!ec) {
            spdlog::warn("second signal: exiting now");
            spdlog::default_logger()->flush();
            std::_Exit(exit_failure);
          }
        });
        co_await infrastructure->lifecycle.stop_all(config.shutdown_timeout);
        exit_code.set_value(exit_ok);
      },
      asio::detached);

  const int code = exit_code.get_future().get();
  boost::system::error_code ignored;
  asio::post(runtime.io_context(0), [&] { signals.cancel(ignored); });
  runtime.join();
  spdlog::info("vibework worker stopped");
  spdlog::default_logger()->flush();
  return code;
}

}  // namespace vibework::app
