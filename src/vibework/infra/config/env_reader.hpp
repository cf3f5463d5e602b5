#pragma once
// EnvReader: reads environment variables into typed values and collects every problem, so
// a bad configuration is reported all at once (one line per variable) instead of one at a
// time. Each part's config parser (mysql_config.cpp, ...) uses it.
#include <chrono>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vibework::infra {

struct ConfigProblem {
  std::string variable;
  std::string problem;  // what is wrong with the value
  std::string example;  // a good value
  std::string to_string() const;  // "MYSQL_PORT: 'abc' is not a number (example: MYSQL_PORT=3306)"
};

// "vibework: invalid configuration (2 problems):\n  MYSQL_PORT: ...\n  REDIS_URL: ...\n"
std::string describe_problems(const std::vector<ConfigProblem>& problems);

using EnvLookup = std::function<std::optional<std::string>(std::string_view name)>;
EnvLookup process_environment();

struct HostPort {
  std::string host;
  std::uint16_t port = 0;
  std::string to_string() const { return host + ":" + std::to_string(port); }
};

class EnvReader {
 public:
  explicit EnvReader(EnvLookup lookup) : lookup_(std::move(lookup)) {}

  // The raw value, if set (an empty value counts as unset).
  std::optional<std::string> raw(std::string_view name) const;
  // Set to the empty string (used to switch a default off, e.g. PUBSUB_EMULATOR_HOST=).
  bool set_but_empty(std::string_view name) const;

  std::string string(std::string_view name, std::string_view fallback);
  std::optional<std::string> optional_string(std::string_view name);
  std::uint16_t port(std::string_view name, std::uint16_t fallback);
  std::int64_t integer(std::string_view name, std::int64_t fallback, std::int64_t min, std::int64_t max);
  std::chrono::milliseconds milliseconds(std::string_view name, std::chrono::milliseconds fallback,
                                         std::chrono::milliseconds min, std::chrono::milliseconds max);
  bool boolean(std::string_view name, bool fallback);  // true/false/1/0/yes/no/on/off
  std::string one_of(std::string_view name, std::string_view fallback,
                     std::initializer_list<std::string_view> allowed);
  // "host:port"; the port is required.
  HostPort host_port(std::string_view name, std::string_view fallback);

  // Records a problem found by a part's own validation.
  void problem(std::string_view name, std::string problem, std::string example);
  const std::vector<ConfigProblem>& problems() const noexcept { return problems_; }

 private:
  EnvLookup lookup_;
  std::vector<ConfigProblem> problems_;
};

// For messages: a value shown back to the user, shortened, never for secrets.
std::string quote_value(std::string_view value);

}  // namespace vibework::infra
