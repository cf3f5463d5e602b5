#pragma once
// Logging: spdlog, as text for people or one JSON object per line for machines (LOG_FORMAT).
#include <string>

namespace vibework::infra {

struct LogConfig;

void init_logging(const LogConfig& config);

// Escapes text for use inside a JSON string literal (no surrounding quotes).
std::string json_escape(std::string_view text);

}  // namespace vibework::infra
