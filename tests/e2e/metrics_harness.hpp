#pragma once
// The harness of the metrics end-to-end suites (metrics_e2e_test, prometheus_e2e_test): a
// server with its own MySQL and MongoDB databases and /metrics on a listener of its own,
// traffic that touches HTTP, MySQL and Pub/Sub, and reading a scrape.
#include <fstream>
#include <optional>
#include <string>

#include "auth_harness.hpp"

namespace vibework::e2e::metrics_harness {

using namespace vibework::e2e::auth_harness;

class MetricsE2E : public AuthE2E {
 protected:
  static std::string mongo_database() { return "vibework_metrics_e2e_" + pid_text(); }
  static Env metrics_env(unsigned short metrics_port, Env extra = {}) {
    extra.emplace("MONGODB_URI", "mongodb://127.0.0.1:27017/" + mongo_database());
    extra.emplace("METRICS_PORT", std::to_string(metrics_port));
    return env(std::move(extra));
  }
};

// A sign-up (MySQL) and a notification create (MongoDB; its outbox publishes to Pub/Sub), plus
// a read by id (a route with a parameter). Returns the notification's id.
inline std::string generate_traffic(unsigned short port, const std::string& tag) {
  Browser b(port);
  auto up = b.sign_up(unique_email(tag));
  EXPECT_EQ(up.status, 200u) << up.body;
  const Headers headers{{"Cookie", b.jar.header()}, {"Origin", trusted_origin}, {"Content-Type", "application/json"}};
  auto created = b.client.send(verb::post, "/api/notifications", headers,
                               R"({"type":"info","title":"metrics","message":"m"})");
  EXPECT_EQ(created.status, 201u) << created.body;
  const auto id = created.status == 201 ? str(json_of(created), "id") : std::string();
  auto read = b.client.send(verb::get, "/api/notifications/" + id, {{"Cookie", b.jar.header()}});
  EXPECT_EQ(read.status, 200u) << read.body;
  return id;
}

inline HttpResult scrape(unsigned short port) { return TestClient(port).request(verb::get, "/metrics"); }

// The value of the sample `series` (name with its labels exactly as exposed), if present.
inline std::optional<double> sample(const std::string& text, const std::string& series) {
  const std::string key = "\n" + series + " ";
  auto at = text.find(key);
  if (at == std::string::npos) {
    if (!text.starts_with(series + " ")) return std::nullopt;
    at = 0;
  } else {
    at += 1;
  }
  const auto start = at + series.size() + 1;
  return std::stod(text.substr(start, text.find('\n', start) - start));
}

// `promtool check metrics` on `text`: its exit code and what it printed.
inline std::pair<int, std::string> promtool_check(const std::string& text) {
  const auto path = std::filesystem::temp_directory_path() / ("vibework-metrics-" + pid_text() + ".prom");
  std::ofstream(path) << text;
  ChildProcess p("/bin/sh", {"-c", "promtool check metrics < '" + path.string() + "'"}, {});
  const auto code = p.wait_for_exit(60s);
  std::filesystem::remove(path);
  return {code.value_or(-1), p.output()};
}

inline std::string url_encode(const std::string& s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (const unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

}  // namespace vibework::e2e::metrics_harness
