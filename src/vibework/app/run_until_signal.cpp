#include "vibework/app/run_until_signal.hpp"

#include <csignal>
#include <cstdlib>
#include <future>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <spdlog/spdlog.h>

#include "vibework/app/commands.hpp"
#include "vibework/infra/health.hpp"
#include "vibework/infra/lifecycle.hpp"
#include "vibework/infra/runtime.hpp"

namespace vibework::app {

int run_until_signal(infra::Runtime& runtime, infra::Readiness& readiness, infra::Lifecycle& lifecycle,
                     const RunLoop& loop) {
  std::promise<int> exit_code;
  asio::signal_set signals(runtime.io_context(0), SIGINT, SIGTERM);
  runtime.start();
  asio::co_spawn(
      runtime.io_context(0),
      [&]() -> awaitable<void> {
        try {
          co_await lifecycle.start_all();
        } catch (const std::exception& e) {
          spdlog::critical("{} could not start: {}", loop.name, e.what());
          exit_code.set_value(exit_failure);
          co_return;
        }
        spdlog::info("{}", loop.started());
        const int signal_number = co_await signals.async_wait(use_awaitable);
        spdlog::info("received signal {}: shutting down (a second signal exits at once)", signal_number);
        readiness.set_shutting_down();
        signals.async_wait([](const boost::system::error_code& ec, int) {
          if (!ec) {
            spdlog::warn("second signal: exiting now");
            spdlog::default_logger()->flush();
            std::_Exit(exit_failure);
          }
        });
        co_await lifecycle.stop_all(loop.shutdown_timeout);
        exit_code.set_value(exit_ok);
      },
      asio::detached);

  const int code = exit_code.get_future().get();
  asio::post(runtime.io_context(0), [&signals] {
    boost::system::error_code ignored;
    signals.cancel(ignored);
  });
  runtime.join();
  spdlog::info("{} stopped", loop.name);
  spdlog::default_logger()->flush();
  return code;
}

}  // namespace vibework::app
