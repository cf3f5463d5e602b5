// `vibework pubsub setup`: creates the reference service's topics and subscriptions
// (idempotent) and prints one line per resource.
#include <iostream>

#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include "vibework/app/commands.hpp"
#include "vibework/app/pubsub_resources.hpp"
#include "vibework/pubsub/rest_client.hpp"

namespace vibework::app {

int run_pubsub_setup(const pubsub::Config& config, std::ostream& out, std::ostream& err) {
  asio::io_context io(1);
  try {
    pubsub::RestClient client(config);
    out << "Pub/Sub setup for project " << config.project_id << " via " << client.address() << "\n";
    auto future = asio::co_spawn(io, pubsub::ensure_resources(client, pubsub_resources(config)), asio::use_future);
    io.run();
    for (const auto& line : future.get()) out << "  " << line << "\n";
    out << "done: everything exists (running setup again changes nothing)\n";
    return exit_ok;
  } catch (const std::exception& e) {
    err << "pubsub setup failed: " << e.what() << "\n";
    return exit_failure;
  }
}

}  // namespace vibework::app
