// Black-box tests of the built `vibework` binary: started as a child process on a free port.
#include <csignal>
#include <future>

#include <boost/json.hpp>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "child_process.hpp"
#include "http_client.hpp"
#include "vibework/testkit/eventually.hpp"
#include "server_under_test.hpp"

using namespace vibework::e2e;
using namespace std::chrono_literals;
using boost::beast::http::verb;
using ::testing::HasSubstr;
using vibework::testkit::eventually;

namespace {

boost::json::value json_of(const HttpResult& r) { return boost::json::parse(r.body); }

// How many /__test/slow requests the server is running now (it counts them itself).
std::int64_t slow_requests_in_handler(TestClient& client) {
  return json_of(client.request(verb::get, "/__test/slow/count")).at("inHandler").as_int64();
}

}  // namespace

TEST(ServerE2E, LiveAndReady) {
  Server server;
  TestClient client(server.port);
  auto live = client.request(verb::get, "/health/live");
  EXPECT_EQ(live.status, 200u);
  EXPECT_EQ(live.body, R"({"status":"ok"})");
  auto ready = client.request(verb::get, "/health/ready");
  EXPECT_EQ(ready.status, 200u) << ready.body << "\n" << server.process->output();
  auto body = json_of(ready);
  EXPECT_EQ(body.at("status").as_string(), "ok");
  EXPECT_TRUE(body.at("checks").is_object());
  for (const auto& [name, check] : body.at("checks").as_object()) {
    EXPECT_EQ(check.at("status").as_string(), "ok") << name;
    EXPECT_TRUE(check.at("latencyMs").is_int64()) << name;
  }
}

TEST(ServerE2E, AuthSessionRoutesAnswerAsBetterAuth) {
  Server server;
  TestClient client(server.port);
  auto ok = client.request(verb::get, "/api/auth/ok");
  EXPECT_EQ(ok.status, 200u);
  EXPECT_EQ(ok.body, R"({"ok":true})");
  auto session = client.request(verb::get, "/api/auth/get-session");
  EXPECT_EQ(session.status, 200u);
  EXPECT_EQ(session.body, "null") << "signed out";
  auto out = client.request(verb::post, "/api/auth/sign-out");
  EXPECT_EQ(out.status, 200u);
  EXPECT_EQ(out.body, R"({"success":true})");
}

TEST(ServerE2E, KeepAliveServesManyRequestsOnOneConnection) {
  Server server;
  TestClient client(server.port);
  for (int i = 0; i < 50; ++i) ASSERT_EQ(client.request(verb::get, "/health/live").status, 200u);
}

TEST(ServerE2E, ErrorsAreJson) {
  Server server;
  TestClient client(server.port);
  auto missing = client.request(verb::get, "/no/such/route");
  EXPECT_EQ(missing.status, 404u);
  EXPECT_EQ(json_of(missing).at("code").as_string(), "NOT_FOUND");

  auto wrong_method = client.request(verb::delete_, "/health/live");
  EXPECT_EQ(wrong_method.status, 405u);
  EXPECT_EQ(wrong_method.message["Allow"], "GET");

  auto bad_json = client.request(verb::post, "/__test/echo", "{\"unterminated\": ");
  EXPECT_EQ(bad_json.status, 400u);
  EXPECT_THAT(std::string(json_of(bad_json).at("message").as_string()), HasSubstr("not valid JSON"));

  auto echo = client.request(verb::post, "/__test/echo", R"({"a":[1,2,3]})");
  EXPECT_EQ(echo.status, 200u);
  EXPECT_EQ(echo.body, R"({"a":[1,2,3]})");
}

TEST(ServerE2E, MalformedRequestIs400Json) {
  Server server;
  TestClient client(server.port);
  auto r = client.raw("THIS IS NOT HTTP\r\n\r\n");
  EXPECT_EQ(r.status, 400u);
  EXPECT_EQ(json_of(r).at("code").as_string(), "BAD_REQUEST");
  // The server is still fine.
  TestClient again(server.port);
  EXPECT_EQ(again.request(verb::get, "/health/live").status, 200u);
}

TEST(ServerE2E, OversizedBodyIs413AndOversizedHeadersAre431) {
  Server server(Env{{"HTTP_MAX_BODY_BYTES", "1024"}, {"HTTP_MAX_HEADER_BYTES", "2048"}});
  {
    TestClient client(server.port);
    auto r = client.request(verb::post, "/__test/echo", std::string(4096, 'x'));
    EXPECT_EQ(r.status, 413u);
    EXPECT_EQ(json_of(r).at("code").as_string(), "PAYLOAD_TOO_LARGE");
  }
  {
    TestClient client(server.port);
    auto r = client.raw("GET /health/live HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(4096, 'h') + "\r\n\r\n");
    EXPECT_EQ(r.status, 431u);
  }
}

TEST(ServerE2E, RequestIdIsHonouredOrGenerated) {
  Server server;
  TestClient client(server.port);
  auto honoured = client.request(verb::get, "/health/live", "", "", "trace-abc-123");
  EXPECT_EQ(honoured.message["X-Request-Id"], "trace-abc-123");
  auto generated = client.request(verb::get, "/health/live");
  EXPECT_EQ(generated.message["X-Request-Id"].size(), 32u);
}

TEST(ServerE2E, IdleKeepAliveConnectionsAreClosed) {
  Server server(Env{{"HTTP_IDLE_TIMEOUT_MS", "200"}});
  TestClient client(server.port);
  ASSERT_EQ(client.request(verb::get, "/health/live").status, 200u);
  EXPECT_TRUE(client.closed_by_server(5s));
}

TEST(ServerE2E, SlowRequestGets408) {
  Server server(Env{{"HTTP_READ_TIMEOUT_MS", "300"}});
  TestClient client(server.port);
  auto r = client.raw("GET /health/live HTTP/1.1\r\nHost: x\r\n");  // never finishes its headers
  EXPECT_EQ(r.status, 408u);
  EXPECT_EQ(json_of(r).at("code").as_string(), "REQUEST_TIMEOUT");
}

TEST(ServerE2E, SigtermDrainsInFlightRequestsRefusesNewOnesAndExitsZero) {
  Server server(Env{{"SHUTDOWN_TIMEOUT_MS", "10000"}});
  constexpr int in_flight = 20;
  std::vector<std::future<HttpResult>> results;
  std::vector<std::unique_ptr<TestClient>> clients;
  for (int i = 0; i < in_flight; ++i) clients.push_back(std::make_unique<TestClient>(server.port));
  for (int i = 0; i < in_flight; ++i) {
    results.push_back(std::async(std::launch::async, [c = clients[i].get()] {
      return c->request(verb::get, "/__test/slow?ms=1500");
    }));
  }
  TestClient probe(server.port);
  EXPECT_TRUE(eventually([&] { return slow_requests_in_handler(probe) == in_flight; }, 10s))
      << "not every request reached the handler";
  const auto signalled = std::chrono::steady_clock::now();
  server.process->signal(SIGTERM);

  // New connections are refused once the listener is closed (well before the requests end).
  EXPECT_TRUE(eventually([&] { return connection_refused(server.port); }, 1s));

  for (auto& f : results) {
    auto r = f.get();
    EXPECT_EQ(r.status, 200u);
    EXPECT_EQ(r.body, R"({"sleptMs":1500})");
    EXPECT_EQ(r.message[boost::beast::http::field::connection], "close");
  }
  auto code = server.process->wait_for_exit(15s);
  ASSERT_TRUE(code.has_value()) << "did not exit; output:\n" << server.process->output();
  EXPECT_EQ(*code, 0) << server.process->output();
  EXPECT_LT(std::chrono::steady_clock::now() - signalled, 10s);  // within SHUTDOWN_TIMEOUT_MS
}

TEST(ServerE2E, SecondSignalExitsAtOnce) {
  Server server(Env{{"SHUTDOWN_TIMEOUT_MS", "30000"}});
  TestClient client(server.port);
  auto slow = std::async(std::launch::async, [&] {
    try {
      return client.request(verb::get, "/__test/slow?ms=20000").status;
    } catch (const std::exception&) {
      return 0u;  // the connection died with the process
    }
  });
  TestClient probe(server.port);
  EXPECT_TRUE(eventually([&] { return slow_requests_in_handler(probe) == 1; }, 10s)) << "the request never arrived";
  server.process->signal(SIGTERM);
  // The first signal was handled once the listener is closed.
  EXPECT_TRUE(eventually([&] { return connection_refused(server.port); }, 5s));
  EXPECT_FALSE(server.process->wait_for_exit(0ms).has_value());  // still draining
  server.process->signal(SIGTERM);
  auto code = server.process->wait_for_exit(5s);
  ASSERT_TRUE(code.has_value());
  EXPECT_EQ(*code, 1);
  EXPECT_EQ(slow.get(), 0u);
}

TEST(ServerE2E, ShutdownClosesIdleKeepAliveConnectionsAtOnce) {
  Server server;
  TestClient idle(server.port);
  ASSERT_EQ(idle.request(verb::get, "/health/live").status, 200u);
  server.process->signal(SIGINT);
  EXPECT_TRUE(idle.closed_by_server(5s));
  auto code = server.process->wait_for_exit(15s);
  ASSERT_TRUE(code.has_value());
  EXPECT_EQ(*code, 0);
}

TEST(ServerE2E, BadEnvironmentExitsWith2AndNamesTheVariable) {
  ChildProcess p(vibework_binary(), {"serve"}, {{"MYSQL_PORT", "abc"}, {"LOG_FORMAT", "xml"}});
  auto code = p.wait_for_exit(10s);
  ASSERT_TRUE(code.has_value());
  EXPECT_EQ(*code, 2);
  EXPECT_THAT(p.output(), HasSubstr("MYSQL_PORT: 'abc' is not a number (example: MYSQL_PORT=3306)"));
  EXPECT_THAT(p.output(), HasSubstr("LOG_FORMAT: 'xml' is not one of: json, text"));
}

TEST(ServerE2E, ProductionWithoutSecretExitsWith2) {
  ChildProcess p(vibework_binary(), {"serve"}, {{"APP_ENV", "production"}, {"AUTH_SECRET", ""}, {"BETTER_AUTH_SECRET", ""}});
  auto code = p.wait_for_exit(10s);
  ASSERT_TRUE(code.has_value());
  EXPECT_EQ(*code, 2);
  EXPECT_THAT(p.output(), HasSubstr("AUTH_SECRET: is missing"));
}

TEST(ServerE2E, JsonAccessLog) {
  Server server(Env{{"LOG_FORMAT", "json"}});
  TestClient client(server.port);
  ASSERT_EQ(client.request(verb::get, "/health/live", "", "", "json-log-id").status, 200u);
  server.process->signal(SIGTERM);
  ASSERT_TRUE(server.process->wait_for_exit(15s).has_value());
  const auto out = server.process->output();
  std::istringstream lines(out);
  std::string line;
  bool found = false;
  while (std::getline(lines, line)) {
    boost::system::error_code parse_error;
    auto v = boost::json::parse(line, parse_error);  // every line is JSON
    ASSERT_FALSE(parse_error) << parse_error.message() << " in line: " << line << "\nwhole output:\n" << out;
    if (v.as_object().contains("requestId") && v.at("requestId").as_string() == "json-log-id") {
      found = true;
      EXPECT_EQ(v.at("method").as_string(), "GET");
      EXPECT_EQ(v.at("path").as_string(), "/health/live");
      EXPECT_EQ(v.at("status").as_int64(), 200);
      EXPECT_TRUE(v.at("durationMs").is_double());
    }
  }
  EXPECT_TRUE(found) << out;
}

TEST(ServerE2E, SecretsNeverReachTheLog) {
  // A password in the URL of a Redis that is not there: the warnings name the address only.
  const auto nothing_there = std::to_string(free_port());
  Server server(Env{{"REDIS_URL", "redis://:hunter2-redis@127.0.0.1:" + nothing_there},
                    {"AUTH_SECRET", "hunter2-auth-secret-hunter2-auth"}});
  TestClient client(server.port);
  ASSERT_EQ(client.request(verb::get, "/health/ready").status, 503u);
  server.process->signal(SIGTERM);
  ASSERT_TRUE(server.process->wait_for_exit(15s).has_value());
  EXPECT_THAT(server.process->output(), HasSubstr("127.0.0.1:" + nothing_there));
  EXPECT_THAT(server.process->output(), ::testing::Not(HasSubstr("hunter2")));
}

TEST(DoctorE2E, WrongMysqlPasswordIsReportedWithoutEchoingIt) {
  ChildProcess p(vibework_binary(), {"doctor"}, {{"MYSQL_PASSWORD", "hunter2-mysql"}});
  auto code = p.wait_for_exit(60s);
  ASSERT_TRUE(code.has_value());
  EXPECT_EQ(*code, 1);
  EXPECT_THAT(p.output(), HasSubstr("MYSQL_PASSWORD"));
  EXPECT_THAT(p.output(), ::testing::Not(HasSubstr("hunter2")));
}

TEST(DoctorE2E, PrintsTheTable) {
  migrate_shared_database();  // auth's check needs its tables
  ChildProcess p(vibework_binary(), {"doctor"}, {});
  auto code = p.wait_for_exit(60s);
  ASSERT_TRUE(code.has_value());
  EXPECT_THAT(p.output(), HasSubstr("SERVICE"));
  EXPECT_THAT(p.output(), HasSubstr("LATENCY"));
  EXPECT_EQ(*code, 0) << p.output();
}

// --watch reports again and again (each a full table), without terminal codes when piped, and
// exits 0 at SIGINT.
TEST(DoctorE2E, WatchRefreshesUntilInterrupted) {
  migrate_shared_database();
  ChildProcess p(vibework_binary(), {"doctor", "--watch", "--interval", "0.2"}, {});
  auto reports = [&] {
    const auto out = p.output();
    std::size_t n = 0;
    for (auto at = out.find("all services ok"); at != std::string::npos; at = out.find("all services ok", at + 1)) ++n;
    return n;
  };
  ASSERT_TRUE(eventually([&] { return reports() >= 3; }, 60s)) << p.output();
  p.signal(SIGINT);
  const auto code = p.wait_for_exit(30s);
  ASSERT_TRUE(code.has_value());
  EXPECT_EQ(*code, 0) << p.output();
  EXPECT_THAT(p.output(), HasSubstr("vibework doctor --watch"));
  EXPECT_THAT(p.output(), HasSubstr("every 0.2s"));
  EXPECT_THAT(p.output(), HasSubstr("SINCE"));
  EXPECT_THAT(p.output(), ::testing::Not(HasSubstr("\x1b[")));  // stdout is a pipe here
}

TEST(DoctorE2E, ReportsAServiceThatIsDownWithAHint) {
  const auto nothing_there = std::to_string(free_port());
  ChildProcess p(vibework_binary(), {"doctor"}, {{"REDIS_URL", "redis://127.0.0.1:" + nothing_there}});
  auto code = p.wait_for_exit(60s);
  ASSERT_TRUE(code.has_value());
  EXPECT_EQ(*code, 1) << p.output();
  EXPECT_THAT(p.output(), HasSubstr("ERROR"));
  EXPECT_THAT(p.output(), HasSubstr("127.0.0.1:" + nothing_there));
  EXPECT_THAT(p.output(), HasSubstr("try:"));
  EXPECT_THAT(p.output(), HasSubstr("scripts/services start"));
}

TEST(ServerE2E, ServesWithAServiceDownAndReadinessSaysWhich) {
  Server server(Env{{"REDIS_URL", "redis://127.0.0.1:" + std::to_string(free_port())}});
  TestClient client(server.port);
  EXPECT_EQ(client.request(verb::get, "/health/live").status, 200u);
  auto ready = client.request(verb::get, "/health/ready");
  EXPECT_EQ(ready.status, 503u) << ready.body;
  auto body = json_of(ready);
  EXPECT_EQ(body.at("status").as_string(), "error");
  EXPECT_EQ(body.at("checks").at("redis").at("status").as_string(), "error");
  EXPECT_EQ(body.at("checks").at("mysql").at("status").as_string(), "ok");
}

TEST(CliE2E, VersionAndHelp) {
  ChildProcess version(vibework_binary(), {"version"}, {});
  ASSERT_EQ(version.wait_for_exit(10s), 0);
  EXPECT_THAT(version.output(), HasSubstr("vibework "));
  for (std::vector<std::string> command : {std::vector<std::string>{"serve"}, {"doctor"}, {"version"}, {"migrate"},
                                            {"pubsub", "setup"}}) {
    command.push_back("--help");
    ChildProcess help(vibework_binary(), command, {});
    ASSERT_EQ(help.wait_for_exit(10s), 0) << command.front();
    EXPECT_THAT(help.output(), HasSubstr("Usage")) << command.front();
  }
}
