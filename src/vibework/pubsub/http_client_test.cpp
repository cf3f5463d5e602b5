// HttpClient against a local scripted server: keep-alive reuse, per-call timeouts, errors.
#include "vibework/pubsub/http_client.hpp"

#include <gtest/gtest.h>

#include "vibework/infra/errors.hpp"
#include "vibework/pubsub/test_support.hpp"

namespace vibework::pubsub {
namespace {

using testing::FakeHttpServer;
using testing::FakeResponse;
using testing::IoThreads;

HttpClientOptions options_for(std::uint16_t port) {
  HttpClientOptions o;
  o.endpoint = {"127.0.0.1", port, false};
  o.connect_timeout = std::chrono::seconds(2);
  return o;
}

TEST(ParseUrl, SplitsSchemeHostPortAndTarget) {
  auto a = parse_url("https://oauth2.googleapis.com/token");
  EXPECT_TRUE(a.endpoint.tls);
  EXPECT_EQ(a.endpoint.host, "oauth2.googleapis.com");
  EXPECT_EQ(a.endpoint.port, 443);
  EXPECT_EQ(a.target, "/token");
  auto b = parse_url("http://127.0.0.1:8085");
  EXPECT_FALSE(b.endpoint.tls);
  EXPECT_EQ(b.endpoint.port, 8085);
  EXPECT_EQ(b.target, "/");
  EXPECT_THROW(parse_url("ftp://x"), infra::InvalidArgumentError);
  EXPECT_THROW(parse_url("http://host:99999/"), infra::InvalidArgumentError);
  EXPECT_THROW(parse_url("http://:80/"), infra::InvalidArgumentError);
}

TEST(HttpClient, ReusesOneKeptAliveConnection) {
  FakeHttpServer server([](const testing::RecordedRequest& r) { return FakeResponse{200, "{\"echo\":\"" + r.target + "\"}"}; });
  IoThreads io;
  HttpClient client(options_for(server.port()));
  for (int i = 0; i < 5; ++i) {
    HttpRequest request;
    request.target = "/n" + std::to_string(i);
    auto response = io.run(client.send(request, std::chrono::seconds(5)));
    EXPECT_EQ(response.status, 200);
    EXPECT_EQ(response.body, "{\"echo\":\"/n" + std::to_string(i) + "\"}");
  }
  EXPECT_EQ(client.connections_opened(), 1u);
  EXPECT_EQ(server.connections(), 1u);
  EXPECT_EQ(client.idle_connections(), 1u);
}

TEST(HttpClient, OpensANewConnectionWhenTheServerClosedTheOldOne) {
  FakeHttpServer server([](const testing::RecordedRequest&) { return FakeResponse{200, "{}", {}, true}; });
  IoThreads io;
  HttpClient client(options_for(server.port()));
  for (int i = 0; i < 3; ++i) EXPECT_EQ(io.run(client.send(HttpRequest{}, std::chrono::seconds(5))).status, 200);
  EXPECT_EQ(server.connections(), 3u);
}

TEST(HttpClient, ASlowAnswerIsATimeoutNamingTheAddress) {
  FakeHttpServer server([](const testing::RecordedRequest&) {
    return FakeResponse{200, "{}", std::chrono::milliseconds(3'000)};
  });
  IoThreads io;
  HttpClient client(options_for(server.port()));
  try {
    io.run(client.send(HttpRequest{}, std::chrono::milliseconds(200)));
    FAIL() << "expected TimeoutError";
  } catch (const infra::TimeoutError& e) {
    EXPECT_NE(std::string(e.what()).find(fmt::format("127.0.0.1:{}", server.port())), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("200 ms"), std::string::npos) << e.what();
  }
  EXPECT_EQ(client.idle_connections(), 0u);  // a timed-out connection is closed, never reused
}

TEST(HttpClient, NobodyListeningIsUnavailableWithTheHint) {
  IoThreads io;
  auto o = options_for(testing::free_port());
  o.unreachable_hint = "start it: scripts/services start";
  HttpClient client(o);
  try {
    io.run(client.send(HttpRequest{}, std::chrono::seconds(2)));
    FAIL() << "expected UnavailableError";
  } catch (const infra::UnavailableError& e) {
    EXPECT_NE(std::string(e.what()).find("scripts/services start"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("refused"), std::string::npos) << e.what();
  }
}

TEST(HttpClient, KeepsOneIdleListPerIoThread) {
  FakeHttpServer server([](const testing::RecordedRequest&) { return FakeResponse{200, "{}"}; });
  IoThreads io(2);
  HttpClient client(options_for(server.port()));
  for (int i = 0; i < 4; ++i) io.run(client.send(HttpRequest{}, std::chrono::seconds(5)), std::chrono::seconds(10), i % 2);
  EXPECT_EQ(client.connections_opened(), 2u);
}

}  // namespace
}  // namespace vibework::pubsub
