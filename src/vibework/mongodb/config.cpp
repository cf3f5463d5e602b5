#include "vibework/mongodb/config.hpp"

#include <algorithm>
#include <memory>

#include <fmt/format.h>
#include <mongoc/mongoc.h>

namespace vibework::mongodb {

using infra::EnvReader;

namespace {
constexpr std::string_view example = "mongodb://localhost:27017/vibework";

struct UriDeleter {
  void operator()(mongoc_uri_t* uri) const { mongoc_uri_destroy(uri); }
};

std::string hosts_of(const mongoc_uri_t* uri) {
  std::string hosts;
  for (const mongoc_host_list_t* h = mongoc_uri_get_hosts(uri); h != nullptr; h = h->next) {
    if (!hosts.empty()) hosts += ",";
    hosts += h->host_and_port;
  }
  if (hosts.empty()) {
    // mongodb+srv:// lists no hosts until DNS is asked at connect time.
    if (const char* service = mongoc_uri_get_srv_hostname(uri)) hosts = fmt::format("srv:{}", service);
  }
  return hosts;
}

// A millisecond option: the URI's value if it has one, else the variable (or its default).
std::chrono::milliseconds timeout_option(infra::EnvReader& env, const mongoc_uri_t* uri, const char* uri_option,
                                         std::string_view variable, std::chrono::milliseconds fallback) {
  const auto from_env = env.milliseconds(variable, fallback, std::chrono::milliseconds(1),
                                         std::chrono::milliseconds(3'600'000));
  if (uri != nullptr && mongoc_uri_has_option(uri, uri_option)) {
    const int32_t v = mongoc_uri_get_option_as_int32(uri, uri_option, 0);
    if (v > 0) return std::chrono::milliseconds(v);
  }
  return from_env;
}
// "mongodb://user:pw@h1,h2/db?x" -> "h1,h2".
std::string host_part(const std::string& uri) {
  const auto start = uri.find("://") + 3;
  auto end = uri.find_first_of("/?", start);
  if (end == std::string::npos) end = uri.size();
  std::string authority = uri.substr(start, end - start);
  const auto at = authority.rfind('@');
  return at == std::string::npos ? authority : authority.substr(at + 1);
}
}  // namespace

std::chrono::milliseconds Config::operation_deadline() const {
  return server_selection_timeout + std::max(operation_timeout, socket_timeout) + std::chrono::milliseconds(1'000);
}

Config Config::parse(infra::EnvReader& env, const infra::CoreConfig&) {
  Config c;
  c.uri = env.string("MONGODB_URI", c.uri);

  // Checked before the driver so the common mistakes get a message in our words.
  std::unique_ptr<mongoc_uri_t, UriDeleter> uri;
  if (c.uri.rfind("mongodb://", 0) != 0 && c.uri.rfind("mongodb+srv://", 0) != 0) {
    env.problem("MONGODB_URI", "must start with mongodb:// or mongodb+srv://", std::string(example));
  } else if (host_part(c.uri).empty()) {
    env.problem("MONGODB_URI", "has no host", std::string(example));
  } else {
    bson_error_t error;
    uri.reset(mongoc_uri_new_with_error(c.uri.c_str(), &error));
    if (!uri) {
      // The driver's message never repeats the password; it names the part that is wrong.
      env.problem("MONGODB_URI", fmt::format("is not a valid MongoDB URI: {}", error.message), std::string(example));
    }
  }
  if (uri) {
    c.address = hosts_of(uri.get());
    if (const char* db = mongoc_uri_get_database(uri.get()); db != nullptr && *db != '\0') c.database = db;
  }

  const auto pool_from_env = env.integer("MONGODB_POOL_SIZE", c.pool_size, 1, 10'000);
  c.pool_size = static_cast<std::uint32_t>(pool_from_env);
  if (uri && mongoc_uri_has_option(uri.get(), MONGOC_URI_MAXPOOLSIZE)) {
    const int32_t v = mongoc_uri_get_option_as_int32(uri.get(), MONGOC_URI_MAXPOOLSIZE, 0);
    if (v > 0) c.pool_size = static_cast<std::uint32_t>(v);
    else env.problem("MONGODB_URI", "maxPoolSize must be at least 1", "mongodb://localhost:27017/vibework?maxPoolSize=10");
  }
  c.server_selection_timeout = timeout_option(env, uri.get(), MONGOC_URI_SERVERSELECTIONTIMEOUTMS,
                                              "MONGODB_SERVER_SELECTION_TIMEOUT_MS", c.server_selection_timeout);
  c.connect_timeout = timeout_option(env, uri.get(), MONGOC_URI_CONNECTTIMEOUTMS, "MONGODB_CONNECT_TIMEOUT_MS",
                                     c.connect_timeout);
  c.socket_timeout = timeout_option(env, uri.get(), MONGOC_URI_SOCKETTIMEOUTMS, "MONGODB_SOCKET_TIMEOUT_MS",
                                    c.socket_timeout);
  c.acquire_timeout = timeout_option(env, uri.get(), MONGOC_URI_WAITQUEUETIMEOUTMS, "MONGODB_ACQUIRE_TIMEOUT_MS",
                                     c.acquire_timeout);
  c.operation_timeout = env.milliseconds("MONGODB_OPERATION_TIMEOUT_MS", c.operation_timeout,
                                         std::chrono::milliseconds(1), std::chrono::milliseconds(3'600'000));
  c.app_name = env.string("MONGODB_APP_NAME", c.app_name);
  const auto serialize = env.one_of("MONGODB_SERIALIZE_UPDATES", "auto", {"auto", "true", "false"});
  c.serialize_updates = serialize == "true"    ? Config::SerializeUpdates::on
                        : serialize == "false" ? Config::SerializeUpdates::off
                                               : Config::SerializeUpdates::automatic;
  if (uri) {
    if (const char* app = mongoc_uri_get_appname(uri.get()); app != nullptr && *app != '\0') c.app_name = app;
  }
  return c;
}

std::string Config::describe() const { return fmt::format("MONGODB={} database={}", address, database); }

}  // namespace vibework::mongodb
