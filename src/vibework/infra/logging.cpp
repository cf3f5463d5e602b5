#include "vibework/infra/logging.hpp"

#include <chrono>
#include <cstdio>

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <spdlog/formatter.h>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/base_sink.h>
#include <unistd.h>
#include <spdlog/spdlog.h>

#include "vibework/infra/config.hpp"
#include "vibework/infra/current_trace.hpp"

namespace vibework::infra {

void append_json_escaped(std::string& out, std::string_view text) {
  std::size_t plain = 0;  // start of the run not yet copied: runs are appended whole
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(text.data() + plain, i - plain);
    plain = i + 1;
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default: out += fmt::format("\\u{:04x}", c);
    }
  }
  out.append(text.data() + plain, text.size() - plain);
}

std::string json_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 8);
  append_json_escaped(out, text);
  return out;
}

namespace {
// {"time":"2026-11-29T04:00:00.123Z","level":"info","logger":"vibework","msg":"..."}, with
// "trace_id" and "span_id" (OpenTelemetry's field names) after "logger" in traced work.
// A message that already is a JSON object starting with "msg" (the access log) is merged in
// as fields.
class JsonFormatter final : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    // fmt 9 prints no fraction for %S: the milliseconds are written by hand.
    const auto seconds = std::chrono::time_point_cast<std::chrono::seconds>(msg.time);
    const auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(msg.time - seconds).count();
    const std::string_view payload(msg.payload.data(), msg.payload.size());
    fmt::format_to(std::back_inserter(dest), R"({{"time":"{:%Y-%m-%dT%H:%M:%S}.{:03}Z","level":"{}","logger":"{}")",
                   seconds, millis, spdlog::level::to_string_view(msg.level),
                   std::string_view(msg.logger_name.data(), msg.logger_name.size()));
    if (const auto* trace = current_trace()) {
      fmt::format_to(std::back_inserter(dest), R"(,"trace_id":"{}","span_id":"{}")", trace->trace_id_hex(),
                     trace->span_id_hex());
    }
    if (payload.starts_with(R"({"msg":)") && payload.back() == '}') {
      dest.push_back(',');
      dest.append(payload.data() + 1, payload.data() + payload.size() - 1);
    } else {
      const auto escaped = json_escape(payload);
      fmt::format_to(std::back_inserter(dest), R"(,"msg":"{}")", escaped);
    }
    dest.append(std::string_view("}\n"));
  }
  std::unique_ptr<spdlog::formatter> clone() const override { return std::make_unique<JsonFormatter>(); }
};

// %* in the text pattern: " trace=<32 hex>" in traced work, nothing elsewhere.
class TraceFlag final : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg&, const std::tm&, spdlog::memory_buf_t& dest) override {
    if (const auto* trace = current_trace()) {
      dest.append(std::string_view(" trace="));
      dest.append(trace->trace_id_hex());
    }
  }
  std::unique_ptr<custom_flag_formatter> clone() const override { return std::make_unique<TraceFlag>(); }
};

// stdout through stdio's buffer: spdlog's own stdout sink flushes every line, one write(2) per
// request under load. Lines reach the file when the buffer fills, every second
// (flush_every), at once for warnings and errors (flush_on), and at exit.
class BufferedStdoutSink final : public spdlog::sinks::base_sink<std::mutex> {
 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    spdlog::memory_buf_t formatted;
    formatter_->format(msg, formatted);
    std::fwrite(formatted.data(), 1, formatted.size(), stdout);
  }
  void flush_() override { std::fflush(stdout); }
};
}  // namespace

std::unique_ptr<spdlog::formatter> log_formatter(bool json) {
  if (json) return std::make_unique<JsonFormatter>();
  auto formatter = std::make_unique<spdlog::pattern_formatter>(spdlog::pattern_time_type::utc);
  formatter->add_flag<TraceFlag>('*').set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %-5l [%n] %v%*");
  return formatter;
}

void init_logging(const LogConfig& config) {
  if (!isatty(STDOUT_FILENO)) {
    static char buffer[64 * 1024];  // lives as long as stdout
    std::setvbuf(stdout, buffer, _IOFBF, sizeof(buffer));
  }
  auto sink = std::make_shared<BufferedStdoutSink>();
  auto logger = std::make_shared<spdlog::logger>("vibework", sink);
  logger->set_formatter(log_formatter(config.json));
  logger->set_level(spdlog::level::from_str(config.level));
  logger->flush_on(spdlog::level::warn);
  spdlog::set_default_logger(logger);
  spdlog::flush_every(std::chrono::seconds(1));
}

}  // namespace vibework::infra
