#pragma once
// The subcommands of the `vibework` binary. Each returns the process exit code.
#include "vibework/infra/config.hpp"

namespace vibework::app {

// Exit codes shared by every command.
inline constexpr int exit_ok = 0;
inline constexpr int exit_failure = 1;
inline constexpr int exit_bad_config = 2;

int run_serve(const infra::Config& config);
int run_doctor(const infra::Config& config);

}  // namespace vibework::app
