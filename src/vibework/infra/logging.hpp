#pragma once
// Logging: spdlog, as text for people or one JSON object per line for machines (LOG_FORMAT).
#include <memory>
#include <string>

namespace spdlog {
class formatter;
}

namespace vibework::infra {

struct LogConfig;

void init_logging(const LogConfig& config);

// The formatter init_logging installs: text ("<time> <level> [<logger>] <message>", then
// " trace=<trace id>" in traced work) or JSON (with "trace_id" and "span_id" there).
std::unique_ptr<spdlog::formatter> log_formatter(bool json);

// Escapes text for use inside a JSON string literal (no surrounding quotes).
std::string json_escape(std::string_view text);
// The same, appended to `out` (no string of its own).
void append_json_escaped(std::string& out, std::string_view text);

}  // namespace vibework::infra
