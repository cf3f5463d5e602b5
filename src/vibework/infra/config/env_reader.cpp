#include "vibework/infra/config/env_reader.hpp"

#include <algorithm>
#include <charconv>
#include <cstdlib>

#include <fmt/format.h>

namespace vibework::infra {

std::string ConfigProblem::to_string() const {
  return fmt::format("{}: {} (example: {}={})", variable, problem, variable, example);
}

std::string describe_problems(const std::vector<ConfigProblem>& problems) {
  std::string out = fmt::format("vibework: invalid configuration ({} problem{}):\n", problems.size(),
                                problems.size() == 1 ? "" : "s");
  for (const auto& p : problems) out += "  " + p.to_string() + "\n";
  return out;
}

EnvLookup process_environment() {
  return [](std::string_view name) -> std::optional<std::string> {
    const char* value = std::getenv(std::string(name).c_str());
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  };
}

std::string quote_value(std::string_view value) {
  constexpr std::size_t max_shown = 60;
  if (value.size() > max_shown) return fmt::format("'{}...'", value.substr(0, max_shown));
  return fmt::format("'{}'", value);
}

namespace {
std::optional<std::int64_t> parse_int(std::string_view text) {
  std::int64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return v;
}
std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}
}  // namespace

std::optional<std::string> EnvReader::raw(std::string_view name) const {
  auto value = lookup_(name);
  if (!value || value->empty()) return std::nullopt;
  return value;
}

bool EnvReader::set_but_empty(std::string_view name) const {
  auto value = lookup_(name);
  return value && value->empty();
}

std::string EnvReader::string(std::string_view name, std::string_view fallback) {
  auto value = raw(name);
  return value ? *value : std::string(fallback);
}

std::optional<std::string> EnvReader::optional_string(std::string_view name) { return raw(name); }

std::uint16_t EnvReader::port(std::string_view name, std::uint16_t fallback) {
  auto value = raw(name);
  if (!value) return fallback;
  auto n = parse_int(*value);
  if (!n) {
    problem(name, quote_value(*value) + " is not a number", std::to_string(fallback));
    return fallback;
  }
  if (*n < 1 || *n > 65535) {
    problem(name, quote_value(*value) + " is not a port between 1 and 65535", std::to_string(fallback));
    return fallback;
  }
  return static_cast<std::uint16_t>(*n);
}

std::int64_t EnvReader::integer(std::string_view name, std::int64_t fallback, std::int64_t min, std::int64_t max) {
  auto value = raw(name);
  if (!value) return fallback;
  auto n = parse_int(*value);
  if (!n) {
    problem(name, quote_value(*value) + " is not a whole number", std::to_string(fallback));
    return fallback;
  }
  if (*n < min || *n > max) {
    problem(name, fmt::format("{} is out of range ({}..{})", *n, min, max), std::to_string(fallback));
    return fallback;
  }
  return *n;
}

std::chrono::milliseconds EnvReader::milliseconds(std::string_view name, std::chrono::milliseconds fallback,
                                                  std::chrono::milliseconds min, std::chrono::milliseconds max) {
  auto value = raw(name);
  if (!value) return fallback;
  auto n = parse_int(*value);
  if (!n) {
    problem(name, quote_value(*value) + " is not a number of milliseconds", std::to_string(fallback.count()));
    return fallback;
  }
  if (*n < min.count() || *n > max.count()) {
    problem(name, fmt::format("{} ms is out of range ({}..{} ms)", *n, min.count(), max.count()),
            std::to_string(fallback.count()));
    return fallback;
  }
  return std::chrono::milliseconds(*n);
}

bool EnvReader::boolean(std::string_view name, bool fallback) {
  auto value = raw(name);
  if (!value) return fallback;
  const auto v = lower(*value);
  if (v == "1" || v == "true" || v == "yes" || v == "on") return true;
  if (v == "0" || v == "false" || v == "no" || v == "off") return false;
  problem(name, quote_value(*value) + " is not a boolean (true/false)", fallback ? "true" : "false");
  return fallback;
}

std::string EnvReader::one_of(std::string_view name, std::string_view fallback,
                              std::initializer_list<std::string_view> allowed) {
  auto value = raw(name);
  if (!value) return std::string(fallback);
  const auto v = lower(*value);
  for (auto a : allowed) {
    if (v == a) return v;
  }
  problem(name, fmt::format("{} is not one of: {}", quote_value(*value), fmt::join(allowed, ", ")),
          std::string(fallback));
  return std::string(fallback);
}

HostPort EnvReader::host_port(std::string_view name, std::string_view fallback) {
  auto value = raw(name);
  const std::string text = value ? *value : std::string(fallback);
  const auto colon = text.rfind(':');
  HostPort out;
  std::optional<std::int64_t> port;
  if (colon != std::string::npos && colon > 0) {
    out.host = text.substr(0, colon);
    port = parse_int(std::string_view(text).substr(colon + 1));
  }
  if (out.host.empty() || !port || *port < 1 || *port > 65535) {
    problem(name, quote_value(text) + " is not host:port", std::string(fallback));
    return {};
  }
  out.port = static_cast<std::uint16_t>(*port);
  return out;
}

void EnvReader::problem(std::string_view name, std::string problem, std::string example) {
  problems_.push_back({std::string(name), std::move(problem), std::move(example)});
}

}  // namespace vibework::infra
