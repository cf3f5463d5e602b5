#pragma once
// The subcommands of the `vibework` binary. Each returns the process exit code.
#include <chrono>
#include <iosfwd>
#include <memory>

#include "vibework/app/app_config.hpp"

namespace vibework::app {

// Exit codes shared by every command.
inline constexpr int exit_ok = 0;
inline constexpr int exit_failure = 1;
inline constexpr int exit_bad_config = 2;

struct Infrastructure;
namespace worker {
class Worker;
}

// `vibework serve`; with_worker (`--with-worker`): the worker runs inside it too.
int run_serve(const AppConfig& config, bool with_worker = false);
// `vibework worker`: the infrastructure and the worker, no HTTP, until SIGTERM/SIGINT.
int run_worker(const AppConfig& config);
// Adds the worker to the lifecycle: after every component built so far, so it stops before them.
std::shared_ptr<worker::Worker> add_worker(Infrastructure& infrastructure);
// `vibework doctor`: every readiness check once, a table, exit 1 if any fails; with `--watch`, every
// `interval` until SIGINT/SIGTERM (exit 0).
struct DoctorOptions {
  bool watch = false;
  std::chrono::milliseconds interval{2000};
};
int run_doctor(const AppConfig& config, const DoctorOptions& options = {});
// `vibework migrate` (status_only: `--status`): creates the database if it does not exist,
// applies pending migrations from MYSQL_MIGRATIONS_DIR, prints what it did to `out`, errors
// to `err`.
int run_migrate(const mysql::Config& config, bool status_only, std::ostream& out, std::ostream& err);
// `vibework pubsub setup`: creates the topics and subscriptions of pubsub_resources().
int run_pubsub_setup(const pubsub::Config& config, std::ostream& out, std::ostream& err);

}  // namespace vibework::app
