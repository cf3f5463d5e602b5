#pragma once
// MongoDB settings. The URI is the source of truth: options written in it (maxPoolSize,
// serverSelectionTimeoutMS, socketTimeoutMS, connectTimeoutMS, waitQueueTimeoutMS, appname)
// win; the MONGODB_* variables fill in the ones it leaves out. The URI is validated with the
// driver's own parser, so a URI accepted here is one mongo-c-driver will accept at start.
#include <chrono>
#include <cstdint>
#include <string>

#include "vibework/infra/config.hpp"

namespace vibework::mongodb {

struct Config {
  std::string uri = "mongodb://localhost:27017/vibework";  // may hold credentials: never logged
  std::string database = "vibework";                      // from the URI path
  std::string address;                                    // hosts only, for messages
  std::uint32_t pool_size = 10;                           // maxPoolSize | MONGODB_POOL_SIZE
  std::chrono::milliseconds server_selection_timeout{5'000};  // serverSelectionTimeoutMS | MONGODB_SERVER_SELECTION_TIMEOUT_MS
  std::chrono::milliseconds connect_timeout{5'000};           // connectTimeoutMS | MONGODB_CONNECT_TIMEOUT_MS
  std::chrono::milliseconds socket_timeout{10'000};           // socketTimeoutMS | MONGODB_SOCKET_TIMEOUT_MS
  std::chrono::milliseconds acquire_timeout{5'000};           // waitQueueTimeoutMS | MONGODB_ACQUIRE_TIMEOUT_MS
  std::chrono::milliseconds operation_timeout{10'000};        // MONGODB_OPERATION_TIMEOUT_MS (sent as maxTimeMS)
  std::string app_name = "vibework";                          // appname | MONGODB_APP_NAME
  // MONGODB_SERIALIZE_UPDATES: run this process's updates (update, findAndModify) one at a time.
  // FerretDB 1.x reads a document and writes it back whole in two steps, so two concurrent
  // updates of one document can lose one; MongoDB applies each atomically. `auto` turns it on
  // when the server says it is FerretDB (buildInfo.ferretdbVersion).
  enum class SerializeUpdates { automatic, on, off };
  SerializeUpdates serialize_updates = SerializeUpdates::automatic;

  // The longest a caller waits for one operation once it holds a pool slot: server selection,
  // then the server's answer (maxTimeMS or the socket timeout, whichever is longer), plus slack.
  std::chrono::milliseconds operation_deadline() const;

  static Config parse(infra::EnvReader& env, const infra::CoreConfig& core);
  std::string describe() const;  // hosts and database only: the URI may hold a password
};

}  // namespace vibework::mongodb
