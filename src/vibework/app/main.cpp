// vibework: serve | worker | doctor | migrate | pubsub setup | pubsub dead-letters | version.
#include <cstdlib>
#include <iostream>

#include <CLI/CLI.hpp>

#include "vibework/app/commands.hpp"
#include "vibework/app/worker/dead_letters.hpp"
#include "vibework/infra/logging.hpp"

#ifndef VIBEWORK_VERSION
#define VIBEWORK_VERSION "0.0.0"
#endif

namespace {
using vibework::app::AppConfig;

// Reads the environment; on any problem prints one line per problem and returns nullopt.
std::optional<AppConfig> load_or_report() {
  auto result = vibework::app::load_app_config(vibework::infra::process_environment());
  if (!result.ok()) {
    std::cerr << vibework::infra::describe_problems(result.problems);
    return std::nullopt;
  }
  return std::move(result.config);
}

// Tools (doctor, migrate, pubsub setup, pubsub dead-letters) print their own report: only warnings and errors are
// logged unless LOG_LEVEL asks for more.
enum class Verbosity { server, tool };

template <typename Command>
int with_config(Command&& command, Verbosity verbosity = Verbosity::tool) {
  auto config = load_or_report();
  if (!config) return vibework::app::exit_bad_config;
  if (verbosity == Verbosity::tool && std::getenv("LOG_LEVEL") == nullptr) config->log.level = "warn";
  vibework::infra::init_logging(config->log);
  return command(*config);
}
}  // namespace

int main(int argc, char** argv) {
  CLI::App cli{"vibework: a C++ backend infrastructure layer and its reference HTTP service.\n"
               "Configured by environment variables; see README.md."};
  cli.require_subcommand(1);
  auto* serve = cli.add_subcommand("serve", "Start every component and serve HTTP until SIGTERM/SIGINT");
  bool with_worker = false;
  serve->add_flag("--with-worker", with_worker, "Run the Pub/Sub worker in the same process");
  auto* worker = cli.add_subcommand("worker", "Run the Pub/Sub worker (every component but HTTP) until SIGTERM/SIGINT");
  auto* doctor = cli.add_subcommand("doctor", "Check every service once and print a table (exit 1 if any fails)");
  vibework::app::DoctorOptions doctor_options;
  double doctor_interval_seconds = 2.0;
  doctor->add_flag("--watch", doctor_options.watch, "Check again every --interval seconds until Ctrl-C, on a refreshing screen");
  doctor->add_option("--interval", doctor_interval_seconds, "Seconds between checks with --watch (default 2)")
      ->check(CLI::Range(0.1, 3600.0));
  auto* migrate = cli.add_subcommand("migrate", "Apply pending MySQL migrations from migrations/ (safe to run concurrently)");
  bool migrate_status = false;
  migrate->add_flag("--status", migrate_status, "Only list applied and pending migrations");
  auto* pubsub = cli.add_subcommand("pubsub", "Google Cloud Pub/Sub tools");
  pubsub->require_subcommand(1);
  auto* pubsub_setup =
      pubsub->add_subcommand("setup", "Create the topics and subscriptions the app needs (idempotent)");
  auto* pubsub_dead_letters = pubsub->add_subcommand(
      "dead-letters", "List the messages on dead-letter-review; --replay publishes them to their original topics");
  vibework::app::worker::DeadLetterOptions dead_letter_options;
  pubsub_dead_letters->add_flag("--replay", dead_letter_options.replay,
                                "Publish each again to the topic it came from, then remove it");
  pubsub_dead_letters->add_option("--max", dead_letter_options.max, "Handle at most this many (default 100)")
      ->check(CLI::Range(std::size_t{1}, std::size_t{100'000}));
  auto* version = cli.add_subcommand("version", "Print the version");

  CLI11_PARSE(cli, argc, argv);

  try {
    if (*version) {
      std::cout << "vibework " << VIBEWORK_VERSION << "\n";
      return vibework::app::exit_ok;
    }
    if (*serve) {
      return with_config([&](const AppConfig& config) { return vibework::app::run_serve(config, with_worker); },
                         Verbosity::server);
    }
    if (*worker) return with_config(vibework::app::run_worker, Verbosity::server);
    if (*doctor) {
      doctor_options.interval = std::chrono::milliseconds(static_cast<long long>(doctor_interval_seconds * 1000));
      return with_config([&](const AppConfig& config) { return vibework::app::run_doctor(config, doctor_options); });
    }
    if (*migrate) {
      return with_config([&](const AppConfig& config) {
        return vibework::app::run_migrate(config.get<vibework::mysql::Config>(), migrate_status, std::cout, std::cerr);
      });
    }
    if (*pubsub_setup) {
      return with_config([](const AppConfig& config) {
        return vibework::app::run_pubsub_setup(config.get<vibework::pubsub::Config>(), std::cout, std::cerr);
      });
    }
    if (*pubsub_dead_letters) {
      return with_config([&](const AppConfig& config) {
        return vibework::app::worker::run_pubsub_dead_letters(config.get<vibework::pubsub::Config>(), dead_letter_options,
                                                              std::cout, std::cerr);
      });
    }
  } catch (const std::exception& e) {
    std::cerr << "vibework: " << e.what() << "\n";
    return vibework::app::exit_failure;
  }
  return vibework::app::exit_failure;
}
