#include "vibework/mongodb/driver_instance.hpp"

#include <mutex>
#include <string_view>

#include <mongoc/mongoc.h>
#include <spdlog/spdlog.h>

#include "vibework/infra/errors.hpp"

namespace vibework::mongodb {

namespace {
// The driver's own state is process-wide, so the count of its owners must be too.
struct DriverState {
  std::mutex mutex;
  long owners = 0;
  bool cleaned_up = false;
};
DriverState& state() {
  static DriverState s;
  return s;
}

// Driver messages go to our log instead of stderr, at the matching level.
void log_handler(mongoc_log_level_t level, const char* domain, const char* message, void*) {
  // Sent when a pool closes; FerretDB does not implement sessions, and nothing is lost.
  if (std::string_view(message).find("\"endSessions\"") != std::string_view::npos) level = MONGOC_LOG_LEVEL_DEBUG;
  switch (level) {
    case MONGOC_LOG_LEVEL_ERROR:
    case MONGOC_LOG_LEVEL_CRITICAL: spdlog::error("mongoc {}: {}", domain, message); break;
    case MONGOC_LOG_LEVEL_WARNING: spdlog::warn("mongoc {}: {}", domain, message); break;
    case MONGOC_LOG_LEVEL_MESSAGE:
    case MONGOC_LOG_LEVEL_INFO: spdlog::debug("mongoc {}: {}", domain, message); break;
    default: break;  // debug and trace: far too chatty
  }
}

void acquire() {
  auto& s = state();
  std::lock_guard lock(s.mutex);
  if (s.cleaned_up) {
    throw infra::Error(infra::ErrorKind::internal, "mongodb",
                "mongo-c-driver was already cleaned up in this process and cannot be initialised again",
                "keep one mongodb::DriverInstance alive for the whole process (tests: a global test environment)");
  }
  if (s.owners++ == 0) {
    // The handler first: anything mongoc_init says goes to our log too (a stderr line in the
    // middle of a JSON log breaks whatever reads it).
    mongoc_log_set_handler(log_handler, nullptr);
    mongoc_init();
  }
}
}  // namespace

DriverInstance::DriverInstance() { acquire(); }
DriverInstance::DriverInstance(const DriverInstance&) { acquire(); }

DriverInstance::~DriverInstance() {
  auto& s = state();
  std::lock_guard lock(s.mutex);
  if (--s.owners == 0) {
    mongoc_cleanup();
    s.cleaned_up = true;
  }
}

long DriverInstance::alive() {
  auto& s = state();
  std::lock_guard lock(s.mutex);
  return s.owners;
}

}  // namespace vibework::mongodb
