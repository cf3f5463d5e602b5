#include "vibework/mongodb/detail/driver_error.hpp"

#include <mongoc/mongoc.h>

#include "vibework/infra/errors.hpp"

namespace vibework::mongodb {

namespace {
bool mentions_timeout(std::string_view message) {
  return message.find("timeout") != std::string_view::npos || message.find("timed out") != std::string_view::npos;
}
}  // namespace

void throw_driver_error(const bson_error_t& error, std::string_view what, const std::string& address) {
  const std::string message = std::string(what) + " failed: " + error.message;
  const std::string_view text(error.message);
  switch (error.domain) {
    case MONGOC_ERROR_SERVER_SELECTION:
      throw infra::UnreachableError("mongodb", "no MongoDB server reachable at " + address + " (" + message + ")",
                             std::string(infra::hints::start_local_services) + "; check MONGODB_URI");
    case MONGOC_ERROR_STREAM:
    case MONGOC_ERROR_PROTOCOL:
      if (mentions_timeout(text)) {
        throw infra::TimeoutError("mongodb", message + " (server " + address + ")",
                           "the server did not answer within socketTimeoutMS; is it overloaded or stopped?");
      }
      throw infra::UnreachableError("mongodb", message + " (server " + address + ")",
                                    std::string(infra::hints::start_local_services));
    case MONGOC_ERROR_CLIENT:
      if (error.code == MONGOC_ERROR_CLIENT_AUTHENTICATE) {
        throw infra::UnavailableError("mongodb", message, "check the user and password in MONGODB_URI");
      }
      break;
    case MONGOC_ERROR_BSON:
    case MONGOC_ERROR_COMMAND:
      if (error.code == MONGOC_ERROR_COMMAND_INVALID_ARG || error.domain == MONGOC_ERROR_BSON) {
        throw infra::InvalidArgumentError("mongodb", message);
      }
      break;
    case MONGOC_ERROR_SERVER:
    case MONGOC_ERROR_WRITE_CONCERN:
      switch (error.code) {
        case 11000:
        case 11001:
          throw infra::ConflictError("mongodb", message, "a unique index already has a document with this value");
        case 50:  // MaxTimeMSExpired
          throw infra::TimeoutError("mongodb", message, "the query ran longer than MONGODB_OPERATION_TIMEOUT_MS; add an index or narrow the filter");
        case 85:  // IndexOptionsConflict
        case 86:  // IndexKeySpecsConflict
          throw infra::ConflictError("mongodb", message,
                              "an index with the same name or keys exists with other options; drop it "
                              "(db.<collection>.dropIndex(name)) and restart, or rename the new one");
        case 13:  // Unauthorized
        case 18:  // AuthenticationFailed
          throw infra::UnavailableError("mongodb", message, "check the user, password and authSource in MONGODB_URI");
        default: break;
      }
      break;
    default: break;
  }
  throw infra::QueryError("mongodb", message);
}

}  // namespace vibework::mongodb
