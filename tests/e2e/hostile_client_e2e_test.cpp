// The binary as a hostile client meets it: more slow, half-sent requests than it may hold open,
// a lowered open-file limit, and a readiness endpoint anyone can reach.
#include <regex>
#include <string_view>
#include <thread>

#include <boost/asio/connect.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>
#include <boost/json.hpp>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "deadline_io.hpp"
#include "server_under_test.hpp"

using namespace vibework::e2e;
using namespace std::chrono_literals;
using boost::beast::http::verb;
using ::testing::HasSubstr;
using ::testing::Not;
namespace asio = boost::asio;

namespace {

const std::vector<std::string> prlimit_256 = {"/usr/bin/prlimit", "--nofile=256:256"};

// Slowloris: the start of a request, then nothing.
class HalfSentRequest {
 public:
  HalfSentRequest(asio::io_context& ctx, unsigned short port) : ctx_(ctx), socket_(ctx) {
    socket_.connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
    asio::write(socket_, asio::buffer(std::string_view("GET /health/live HTTP/1.1\r\nHost: x\r\n")));
  }
  // True when the server closed the connection within `limit`.
  bool closed_by_server(std::chrono::milliseconds limit) {
    char byte = 0;
    const auto ec = run_within(ctx_, socket_, limit,
                               [&](auto handler) { socket_.async_read_some(asio::buffer(&byte, 1), handler); });
    return ec == asio::error::eof || ec == asio::error::connection_reset;
  }
  // Sends the end of the request; the response's status line, or "" when the connection is gone.
  std::string finish() {
    boost::system::error_code ec;
    asio::write(socket_, asio::buffer(std::string_view("\r\n")), ec);
    asio::streambuf response;
    ec = run_within(ctx_, socket_, 10s,
                    [&](auto handler) { asio::async_read_until(socket_, response, "\r\n", handler); });
    if (ec) return "";
    std::istream in(&response);
    std::string line;
    std::getline(in, line);
    return line;
  }

 private:
  asio::io_context& ctx_;
  asio::ip::tcp::socket socket_;
};

// Polls the server's output until `pattern` matches (bounded); the first capture, or "".
std::string wait_for_output(const ChildProcess& process, const std::regex& pattern, std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  for (;;) {
    const auto out = process.output();
    std::smatch m;
    if (std::regex_search(out, m, pattern)) return m.size() > 1 ? m[1].str() : m[0].str();
    if (std::chrono::steady_clock::now() >= deadline) return "";
    std::this_thread::sleep_for(20ms);
  }
}

std::size_t count_of(const std::string& text, std::string_view needle) {
  std::size_t n = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + needle.size())) ++n;
  return n;
}

const std::regex cap_line(R"(http: at most (\d+) connections)");

}  // namespace

TEST(HostileClientE2E, SlowClientsBeyondTheCapAreClosedOldestFirstAndProbesStillGetIn) {
  // One I/O thread and a lowered hard limit: the cap is derived from 256 descriptors. The slow
  // clients must not time out on their own during the test.
  Server server(Env{{"HTTP_THREADS", "1"}, {"HTTP_READ_TIMEOUT_MS", "120000"}, {"HTTP_IDLE_TIMEOUT_MS", "120000"}},
                prlimit_256);
  const auto cap_text = wait_for_output(*server.process, cap_line, 10s);
  ASSERT_FALSE(cap_text.empty()) << server.process->output();
  const int cap = std::stoi(cap_text);
  ASSERT_GT(cap, 0);
  ASSERT_LT(cap, 256);

  // More half-sent requests than the process has descriptors: without the cap the server would
  // run out of them, and nothing (not even /health/live) could connect.
  const int slow_count = 300;
  asio::io_context ctx;
  std::vector<std::unique_ptr<HalfSentRequest>> slow;
  for (int i = 0; i < slow_count; ++i) slow.push_back(std::make_unique<HalfSentRequest>(ctx, server.port));

  const auto probed = std::chrono::steady_clock::now();
  TestClient probe(server.port);
  const auto live = probe.request(verb::get, "/health/live");
  EXPECT_EQ(live.status, 200u);
  EXPECT_LT(std::chrono::steady_clock::now() - probed, 5s);

  // The oldest slow clients made room; the newest are still there and finish their requests.
  for (int i = 0; i < 100; ++i) EXPECT_TRUE(slow[i]->closed_by_server(5s)) << "slow client " << i;
  for (int i = slow_count - 50; i < slow_count; ++i) EXPECT_EQ(slow[i]->finish(), "HTTP/1.1 200 OK\r") << "slow client " << i;

  // Evictions are summed up in a log line, not one line per connection.
  ASSERT_FALSE(wait_for_output(*server.process, std::regex("to make room"), 5s).empty()) << server.process->output();
  EXPECT_LE(count_of(server.process->output(), "to make room"), 3u);
  EXPECT_THAT(server.process->output(), Not(HasSubstr("accept failed")));
}

TEST(HostileClientE2E, TheSoftOpenFileLimitIsRaisedToTheHardLimitAtStart) {
  Server server(Env{}, {"/usr/bin/prlimit", "--nofile=300:4096"});
  EXPECT_FALSE(wait_for_output(*server.process, std::regex("open files: soft limit raised from 300 to 4096"), 10s).empty())
      << server.process->output();
  EXPECT_THAT(server.process->output(), HasSubstr("(derived; open-file limit 4096 - "));
}

TEST(HostileClientE2E, MaxConnectionsAboveWhatTheLimitAllowsExitsWith2) {
  ChildProcess p("/usr/bin/prlimit", {"--nofile=256:256", vibework_binary(), "serve"}, {{"HTTP_MAX_CONNECTIONS", "1000"}});
  const auto code = p.wait_for_exit(10s);
  ASSERT_TRUE(code.has_value()) << p.output();
  EXPECT_EQ(*code, 2) << p.output();
  EXPECT_THAT(p.output(), HasSubstr("HTTP_MAX_CONNECTIONS: 1000 is more than the open-file limit allows: 256 open files"));
}

TEST(HostileClientE2E, ProductionReadinessShowsNamesAndStatesOnly) {
  const auto nothing_there = "127.0.0.1:" + std::to_string(free_port());
  const Env production{{"APP_ENV", "production"},
                       {"AUTH_SECRET", std::string(32, 'k')},
                       {"REDIS_URL", "redis://" + nothing_there},
                       // production requires them; not left to the environment the tests run in
                       {"SMTP_URL", "smtp://127.0.0.1:1025"},
                       {"MAIL_FROM", "vibework <no-reply@vibework.localhost>"}};
  {
    Server server(production);
    TestClient client(server.port);
    const auto ready = client.request(verb::get, "/health/ready");
    EXPECT_EQ(ready.status, 503u) << ready.body;
    const auto body = boost::json::parse(ready.body);
    EXPECT_EQ(body.at("checks").at("redis"), boost::json::parse(R"({"status":"error"})")) << ready.body;
    EXPECT_EQ(body.at("checks").at("mysql"), boost::json::parse(R"({"status":"ok"})")) << ready.body;
    EXPECT_THAT(ready.body, Not(HasSubstr(nothing_there)));
  }
  {
    Env full = production;
    full["HEALTH_DETAILS"] = "full";
    Server server(full);
    TestClient client(server.port);
    const auto ready = client.request(verb::get, "/health/ready");
    EXPECT_EQ(ready.status, 503u);
    EXPECT_THAT(ready.body, HasSubstr(nothing_there));
    EXPECT_THAT(ready.body, HasSubstr("latencyMs"));
  }
}
