#pragma once
// For the mail tests only: Mailpit's HTTP API (read what was delivered), a private Mailpit on
// free ports (to stop and start without touching the shared one), and a fixture with a fresh
// MySQL database carrying the repository's migrations.
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <future>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <curl/curl.h>
#include <gtest/gtest.h>

#include "vibework/infra/runtime.hpp"
#include "vibework/mail/mailer.hpp"
#include "vibework/mysql/migrations.hpp"
#include "vibework/mysql/test_support.hpp"
#include "vibework/testkit/eventually.hpp"
#include "vibework/testkit/ports.hpp"

extern char** environ;

namespace vibework::mail::test {

// GET http://127.0.0.1:<port><path> as JSON, bounded; throws on any failure.
inline boost::json::value http_get_json(std::uint16_t port, const std::string& path) {
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), curl_easy_cleanup);
  std::string body;
  const std::string url = "http://127.0.0.1:" + std::to_string(port) + path;
  curl_easy_setopt(curl.get(), CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl.get(), CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl.get(), CURLOPT_TIMEOUT_MS, 5000L);
  curl_easy_setopt(curl.get(), CURLOPT_FAILONERROR, 1L);
  curl_easy_setopt(curl.get(), CURLOPT_WRITEDATA, &body);
  curl_easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION, +[](char* data, std::size_t size, std::size_t n, void* out) {
    static_cast<std::string*>(out)->append(data, size * n);
    return size * n;
  });
  const auto code = curl_easy_perform(curl.get());
  if (code != CURLE_OK) throw std::runtime_error("GET " + url + ": " + curl_easy_strerror(code));
  return boost::json::parse(body);
}

// Mailpit's API: the messages delivered to one recipient (each test uses its own address).
class MailpitApi {
 public:
  explicit MailpitApi(std::uint16_t ui_port) : port_(ui_port) {}
  std::uint16_t port() const { return port_; }

  // Summaries (ID, MessageID, Subject, To, ...) of messages to `recipient`, newest first.
  std::vector<boost::json::object> to(const std::string& recipient) const {
    std::vector<boost::json::object> out;
    const auto list = http_get_json(port_, "/api/v1/messages?limit=500");
    for (const auto& m : list.at("messages").as_array()) {
      for (const auto& t : m.at("To").as_array()) {
        if (t.at("Address").as_string() == recipient) out.push_back(m.as_object());
      }
    }
    return out;
  }
  // The whole message: Text, HTML, Subject, MessageID, From, To, ...
  boost::json::object message(const std::string& id) const {
    return http_get_json(port_, "/api/v1/message/" + id).as_object();
  }
  // Waits (bounded) until `count` messages to `recipient` have arrived.
  bool wait_for(const std::string& recipient, std::size_t count, std::chrono::milliseconds limit) const {
    return testkit::eventually([&] { return to(recipient).size() >= count; }, limit, std::chrono::milliseconds(50));
  }

 private:
  std::uint16_t port_;
};

inline std::string mailpit_binary() {
  if (const char* bin = std::getenv("MAILPIT_BIN")) return bin;
  const std::string home = std::getenv("HOME") ? std::getenv("HOME") : "";
  for (const std::string& dir : {home + "/go/bin", std::string("/usr/local/bin")}) {
    if (::access((dir + "/mailpit").c_str(), X_OK) == 0) return dir + "/mailpit";
  }
  return "mailpit";  // PATH
}

// A Mailpit of the test's own, on free ports, that the test may stop and start again.
class PrivateMailpit {
 public:
  PrivateMailpit() : smtp_port_(testkit::free_port()), ui_port_(testkit::free_port()) {
    dir_ = std::filesystem::temp_directory_path() / ("vibework-mailpit-" + std::to_string(::getpid()) + "-" +
                                                     std::to_string(smtp_port_));
    std::filesystem::create_directories(dir_);
  }
  ~PrivateMailpit() {
    stop();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  PrivateMailpit(const PrivateMailpit&) = delete;
  PrivateMailpit& operator=(const PrivateMailpit&) = delete;

  std::uint16_t smtp_port() const { return smtp_port_; }
  MailpitApi api() const { return MailpitApi(ui_port_); }

  // `extra`: more Mailpit options; with TLS required, AUTH without TLS cannot be allowed too.
  void start(std::vector<std::string> extra = {}) {
    const bool tls_required = std::find(extra.begin(), extra.end(), "--smtp-require-starttls") != extra.end();
    const std::string bin = mailpit_binary();
    std::vector<std::string> args = {bin, "--smtp", "127.0.0.1:" + std::to_string(smtp_port_), "--listen",
                                     "127.0.0.1:" + std::to_string(ui_port_), "--database", (dir_ / "mailpit.db").string(),
                                     "--disable-version-check", "--smtp-auth-accept-any"};
    if (!tls_required) args.push_back("--smtp-auth-allow-insecure");
    args.insert(args.end(), extra.begin(), extra.end());
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    const std::string log = (dir_ / "mailpit.log").string();
    posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    const int rc = ::posix_spawnp(&pid_, bin.c_str(), &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) throw std::runtime_error("could not start " + bin + " (run scripts/bootstrap, or set MAILPIT_BIN)");
    const bool up = testkit::eventually(
        [&] {
          if (!testkit::port_accepts(smtp_port_)) return false;
          try {
            http_get_json(ui_port_, "/api/v1/info");
            return true;
          } catch (...) {
            return false;
          }
        },
        std::chrono::seconds(20), std::chrono::milliseconds(20));
    if (!up) throw std::runtime_error("private Mailpit did not answer within 20 s; see " + log);
  }
  void stop() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGTERM);
    if (!testkit::eventually([&] { return ::waitpid(pid_, nullptr, WNOHANG) == pid_; }, std::chrono::seconds(10))) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    pid_ = -1;
  }

 private:
  std::uint16_t smtp_port_, ui_port_;
  std::filesystem::path dir_;
  pid_t pid_ = -1;
};

// SMTP at `url`, quick retries, a short poll: tests wait for events, and the events come soon.
inline Config test_config(const std::string& url, std::map<std::string, std::string> extra = {}) {
  auto r = infra::load_config<Config>([url, extra](std::string_view name) -> std::optional<std::string> {
    if (auto it = extra.find(std::string(name)); it != extra.end()) return it->second;
    if (name == "SMTP_URL") return url;
    if (name == "MAIL_FROM") return std::string("vibework tests <no-reply@vibework.test>");
    if (name == "APP_NAME") return std::string("Vibework Test");
    if (name == "MAIL_RETRY_MIN_MS") return std::string("50");
    if (name == "MAIL_RETRY_MAX_MS") return std::string("300");
    if (name == "MAIL_POLL_INTERVAL_MS") return std::string("200");
    if (name == "SMTP_CONNECT_TIMEOUT_MS") return std::string("1000");
    if (name == "SMTP_TIMEOUT_MS") return std::string("5000");
    return std::nullopt;
  });
  if (!r.ok()) throw std::runtime_error(r.problems.front().to_string());
  return r.config.get<Config>();
}

// The shared Mailpit (scripts/services): SMTP from SMTP_URL, its API on MAILPIT_UI_PORT.
inline std::string shared_smtp_url() {
  const char* url = std::getenv("SMTP_URL");
  return url ? url : "smtp://127.0.0.1:1025";
}
inline MailpitApi shared_mailpit() {
  const char* port = std::getenv("MAILPIT_UI_PORT");
  return MailpitApi(static_cast<std::uint16_t>(port ? std::atoi(port) : 8025));
}

// A unique address per call, so parallel tests on the shared Mailpit never see each other's mail.
inline std::string unique_recipient(const std::string& tag) {
  static int n = 0;
  return tag + "-" + std::to_string(::getpid()) + "-" + std::to_string(++n) + "-" +
         std::to_string(std::chrono::steady_clock::now().time_since_epoch().count() % 1000000) + "@example.test";
}

// A fresh database with the repository's migrations, a runtime, and a way to run coroutines
// on its I/O thread (where the Mailer's sender runs too).
class MailFixture : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    db_config_ = new mysql::Config(mysql::test_support::fresh_database("vibework_mail_test"));
  }
  static void TearDownTestSuite() {
    delete db_config_;
    db_config_ = nullptr;
  }
  void SetUp() override {
    const char* source = std::getenv("VIBEWORK_SOURCE_DIR");  // set by ctest
    ASSERT_NE(source, nullptr) << "run through ctest, or set VIBEWORK_SOURCE_DIR to the checkout";
    runtime_ = std::make_unique<infra::Runtime>(infra::RuntimeOptions{.io_threads = 1, .blocking_threads = 4});
    runtime_->start();
    db_ = std::make_unique<mysql::Database>(*db_config_);
    const std::string dir = std::string(source) + "/migrations";
    run([this, dir]() -> awaitable<void> {
      co_await db_->start();
      co_await mysql::apply_migrations(*db_, dir);
      co_await db_->execute("DELETE FROM mail_outbox");
    });
  }
  void TearDown() override {
    if (!runtime_) return;
    if (mailer_) run([this]() -> awaitable<void> { co_await mailer_->stop(); });
    mailer_.reset();
    run([this]() -> awaitable<void> { co_await db_->stop(); });
    runtime_->join();
  }

  template <typename F>
  auto run(F make, std::chrono::seconds limit = std::chrono::seconds(60)) ->
      typename std::invoke_result_t<F&>::value_type {
    auto future = asio::co_spawn(runtime_->io_context(0), make(), asio::use_future);
    if (future.wait_for(limit) != std::future_status::ready) throw std::runtime_error("coroutine did not finish in time");
    return future.get();
  }

  Mailer& start_mailer(Config config) {
    mailer_ = std::make_unique<Mailer>(std::move(config), *db_, *runtime_);
    run([this]() -> awaitable<void> { co_await mailer_->start(); });
    return *mailer_;
  }

  // Outbox rows, for checks on the database side.
  std::uint64_t count_rows(const std::string& where) {
    return run([this, where]() -> awaitable<std::uint64_t> {
      const auto rs = co_await db_->execute("SELECT COUNT(*) FROM mail_outbox WHERE " + where);
      const auto& v = rs.cell(0, 0);
      if (const auto* i = std::get_if<std::int64_t>(&v)) co_return static_cast<std::uint64_t>(*i);
      co_return std::get<std::uint64_t>(v);
    });
  }

  static inline mysql::Config* db_config_ = nullptr;
  std::unique_ptr<infra::Runtime> runtime_;
  std::unique_ptr<mysql::Database> db_;
  std::unique_ptr<Mailer> mailer_;
};

}  // namespace vibework::mail::test
