#pragma once
#include <chrono>
#include <string>

#include "vibework/infra/config/env_reader.hpp"

namespace vibework::infra {

struct MongodbConfig {
  std::string uri = "mongodb://localhost:27017/vibework";  // may hold credentials: never logged
  std::string database = "vibework";                      // from the URI path
  std::string address;                                    // hosts only, for messages
};

MongodbConfig parse_mongodb_config(EnvReader& env);

}  // namespace vibework::infra
