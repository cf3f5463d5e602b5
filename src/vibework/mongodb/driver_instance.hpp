#pragma once
// DriverInstance: mongo-c-driver's process-wide setup, owned as a value.
//
// mongoc_init() must run before any driver thread starts and mongoc_cleanup() only after every
// client pool is gone; the driver allows each exactly once per process. A DriverInstance is a
// shared handle: the first one alive calls mongoc_init(), the last one destroyed calls
// mongoc_cleanup(). Each Database holds one (declared first, so it is destroyed last).
// Creating one after the driver was cleaned up throws: the driver cannot start twice.
#include <memory>

namespace vibework::mongodb {

class DriverInstance {
 public:
  DriverInstance();  // initialises the driver if no other instance is alive
  ~DriverInstance();
  DriverInstance(const DriverInstance& other);
  DriverInstance& operator=(const DriverInstance&) = delete;

  // How many handles are alive right now (for tests).
  static long alive();
};

}  // namespace vibework::mongodb
