#pragma once
// One error hierarchy for every infrastructure failure. Each error names the service it
// came from and, where we know it, the likely fix. HTTP status mapping lives in one place:
// vibework/http/error_response.cpp.
#include <stdexcept>
#include <string>
#include <string_view>

namespace vibework::infra {

enum class ErrorKind {
  unavailable,       // cannot reach the service, or the connection broke
  timeout,           // an operation exceeded its deadline
  pool_exhausted,    // no connection free within the acquire limit
  not_found,         // the thing asked for does not exist (topic, document, row)
  conflict,          // unique constraint, index conflict, concurrent change
  invalid_argument,  // the caller's input is wrong (malformed id, bad filter value)
  query_failed,      // the service rejected the operation (SQL error, command error)
  protocol,          // the service answered something we do not understand
  config,            // configuration is invalid
  internal,          // a bug in vibework
};

std::string_view to_string(ErrorKind kind) noexcept;

class Error : public std::runtime_error {
 public:
  // service: "mysql", "mongodb", "redis", "pubsub", "auth", "http", "config".
  Error(ErrorKind kind, std::string service, std::string message, std::string hint = {});

  ErrorKind kind() const noexcept { return kind_; }
  const std::string& service() const noexcept { return service_; }
  const std::string& message() const noexcept { return message_; }  // without service and hint
  const std::string& hint() const noexcept { return hint_; }

 private:
  ErrorKind kind_;
  std::string service_;
  std::string message_;
  std::string hint_;
};

#define VIBEWORK_ERROR_KIND(Name, kind_value)                                          \
  class Name : public Error {                                                          \
   public:                                                                             \
    Name(std::string service, std::string message, std::string hint = {})              \
        : Error(ErrorKind::kind_value, std::move(service), std::move(message), std::move(hint)) {} \
  }

VIBEWORK_ERROR_KIND(UnavailableError, unavailable);
VIBEWORK_ERROR_KIND(TimeoutError, timeout);
VIBEWORK_ERROR_KIND(PoolExhaustedError, pool_exhausted);
VIBEWORK_ERROR_KIND(NotFoundError, not_found);
VIBEWORK_ERROR_KIND(ConflictError, conflict);
VIBEWORK_ERROR_KIND(InvalidArgumentError, invalid_argument);
VIBEWORK_ERROR_KIND(QueryError, query_failed);
VIBEWORK_ERROR_KIND(ProtocolError, protocol);
VIBEWORK_ERROR_KIND(ConfigError, config);

#undef VIBEWORK_ERROR_KIND

// Nothing usable answered at the service's address: connection refused, no route, a name that
// does not resolve, no answer while connecting, a connection that broke, a service that says it
// is temporarily unavailable. It may fix itself, so start-up tolerates it (see
// infra::first_contact in lifecycle.hpp); every other UnavailableError (wrong password, unknown
// database) is a misconfiguration that fails the start. Start-up decisions test this type,
// never a message.
class UnreachableError : public UnavailableError {
 public:
  using UnavailableError::UnavailableError;
};

// Hints shared by every part, so messages stay consistent.
namespace hints {
inline constexpr std::string_view start_local_services =
    "is it running? try scripts/services start (or check the address in your environment)";
}

}  // namespace vibework::infra
