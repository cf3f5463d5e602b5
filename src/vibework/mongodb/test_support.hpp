#pragma once
// Helpers for the MongoDB integration tests: a started Database on its own database, and a
// private FerretDB process for tests that stop the server.
#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <string>

#include "vibework/infra/runtime.hpp"
#include "vibework/mongodb/config.hpp"
#include "vibework/mongodb/database.hpp"

namespace vibework::mongodb::test {

// MONGODB_URI etc. from the environment (as the app reads them), with the database replaced so
// each suite has its own.
mongodb::Config config_for(const std::string& database);

// True when the server is FerretDB (it reports ferretdbVersion in buildInfo): for the few checks
// where FerretDB v1.24 lacks a MongoDB feature (docs/mongodb.md lists them).
awaitable<bool> is_ferretdb(Database& db);

// Drops the whole database (tests start clean).
awaitable<void> drop_database(Database& db);

// A Database started on `config`, with its own runtime (its blocking pool runs the driver
// calls; its I/O threads are not started); stopped and destroyed at the end.
struct StartedDatabase {
  explicit StartedDatabase(mongodb::Config config, std::size_t blocking_threads = 16);
  ~StartedDatabase();
  infra::Runtime runtime;
  std::shared_ptr<Database> db;
};

// A FerretDB (SQLite) process on a free loopback port, data under a fresh /tmp directory.
// Never touches the shared server on 27017.
class PrivateFerret {
 public:
  PrivateFerret();
  ~PrivateFerret();  // stops the process, removes the directory
  PrivateFerret(const PrivateFerret&) = delete;
  PrivateFerret& operator=(const PrivateFerret&) = delete;

  void start();   // (re)starts on the same port and data; waits until it accepts connections
  void stop();    // SIGTERM and wait
  void pause();   // SIGSTOP: the port stays open, nothing answers
  void resume();  // SIGCONT
  std::uint16_t port() const noexcept { return port_; }
  std::string uri(const std::string& database, const std::string& options = "") const;

 private:
  std::string binary_;
  std::string dir_;
  std::uint16_t port_ = 0;
  pid_t pid_ = -1;
};

}  // namespace vibework::mongodb::test
