#pragma once
// Test helper: configuration from a fake environment instead of the process's.
//
//   auto r = testkit::load_config<redis::Config>({{"REDIS_URL", "redis://cache:6380/2"}});
//   ASSERT_TRUE(r.ok()) << testkit::problems_text(r.problems);
//   EXPECT_EQ(r.config.get<redis::Config>().port, 6380);
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "vibework/infra/config.hpp"
#include "vibework/infra/errors.hpp"

namespace vibework::testkit {

using Env = std::map<std::string, std::string>;

inline infra::EnvLookup env_lookup(Env vars) {
  return [vars = std::move(vars)](std::string_view name) -> std::optional<std::string> {
    auto it = vars.find(std::string(name));
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

template <infra::ConfigSection... Sections>
infra::ConfigResult<Sections...> load_config(Env vars) {
  return infra::load_config<Sections...>(env_lookup(std::move(vars)));
}

// One section from the real environment (the local services scripts/test points at); throws
// when it is invalid, so a test never runs against a half-read configuration.
template <infra::ConfigSection Section>
Section section_from_environment() {
  auto r = infra::load_config<Section>(infra::process_environment());
  if (!r.ok()) throw infra::ConfigError("test", "invalid environment: " + r.problems.front().to_string());
  return r.config.template get<Section>();
}

inline std::string problems_text(const std::vector<infra::ConfigProblem>& problems) {
  std::string out;
  for (const auto& p : problems) out += p.to_string() + "\n";
  return out;
}

// The text of the one problem a configuration was expected to have; anything else comes back
// as a text that says so, which the test's substring check then shows.
inline std::string only_problem(const std::vector<infra::ConfigProblem>& problems) {
  if (problems.size() == 1) return problems.front().to_string();
  return "expected exactly one problem, got " + std::to_string(problems.size()) + ":\n" + problems_text(problems);
}

}  // namespace vibework::testkit
