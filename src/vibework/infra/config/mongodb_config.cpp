#include "vibework/infra/config/mongodb_config.hpp"

namespace vibework::infra {

// A light syntactic check; the MongoDB part validates the URI fully with the driver.
MongodbConfig parse_mongodb_config(EnvReader& env) {
  MongodbConfig c;
  c.uri = env.string("MONGODB_URI", c.uri);
  const std::string example = "mongodb://localhost:27017/vibework";
  std::string rest;
  if (c.uri.rfind("mongodb://", 0) == 0) {
    rest = c.uri.substr(10);
  } else if (c.uri.rfind("mongodb+srv://", 0) == 0) {
    rest = c.uri.substr(14);
  } else {
    env.problem("MONGODB_URI", "must start with mongodb:// or mongodb+srv://", example);
    return c;
  }
  const auto at = rest.find('@');
  const auto slash = rest.find('/', at == std::string::npos ? 0 : at);
  std::string hosts = rest.substr(at == std::string::npos ? 0 : at + 1,
                                  slash == std::string::npos ? std::string::npos
                                                             : slash - (at == std::string::npos ? 0 : at + 1));
  if (hosts.empty()) {
    env.problem("MONGODB_URI", "has no host", example);
    return c;
  }
  c.address = hosts;
  if (slash != std::string::npos) {
    std::string db = rest.substr(slash + 1);
    db = db.substr(0, db.find('?'));
    if (!db.empty()) c.database = db;
  }
  return c;
}

}  // namespace vibework::infra
