// The production path of the REST client (HTTPS + OAuth2 against Google) cannot reach Google
// here, so it runs against local servers: a fake token endpoint and a server that answers with
// recorded Google responses. Also the publisher's batching and flow control, which need a server
// whose answers and delays the test controls.
#include "vibework/pubsub/rest_client.hpp"

#include <gtest/gtest.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <set>

#include <boost/json/serialize.hpp>
#include <boost/json/parse.hpp>

#include "vibework/infra/errors.hpp"
#include "vibework/pubsub/credentials.hpp"
#include "vibework/pubsub/publisher.hpp"
#include "vibework/pubsub/test_support.hpp"
#include "vibework/testkit/async.hpp"

namespace vibework::pubsub {
namespace {

namespace json = boost::json;
using testing::FakeHttpServer;
using testing::FakeResponse;
using testing::IoThreads;
using testing::RecordedRequest;

// A token source that never touches the network: the production client only needs *a* source.
class FixedTokens final : public AccessTokenSource {
 public:
  std::atomic<int> fetched{0};

 protected:
  awaitable<AccessToken> fetch() override {
    co_return AccessToken{"token-" + std::to_string(++fetched), std::chrono::steady_clock::now() + std::chrono::hours(1)};
  }
};

pubsub::Config google_config() {
  pubsub::Config c;
  c.project_id = "test-project";
  c.emulator.reset();
  c.retry_initial_backoff = std::chrono::milliseconds(5);
  c.retry_max_backoff = std::chrono::milliseconds(20);
  c.retry_timeout = std::chrono::seconds(5);
  c.request_timeout = std::chrono::seconds(5);
  return c;
}

// Recorded answers of pubsub.googleapis.com.
constexpr const char* topic_answer = R"({"name": "projects/test-project/topics/events"})";
constexpr const char* not_found_answer =
    R"({"error": {"code": 404, "message": "Resource not found (resource=missing).", "status": "NOT_FOUND"}})";
constexpr const char* unavailable_answer =
    R"({"error": {"code": 503, "message": "The service is currently unavailable.", "status": "UNAVAILABLE"}})";
constexpr const char* unauthenticated_answer =
    R"({"error": {"code": 401, "message": "Request had invalid authentication credentials.", "status": "UNAUTHENTICATED"}})";
constexpr const char* permission_answer =
    R"({"error": {"code": 403, "message": "User not authorized to perform this action.", "status": "PERMISSION_DENIED"}})";

TEST(GoogleClient, SendsTheBearerTokenToTheV1Path) {
  FakeHttpServer server([](const RecordedRequest&) { return FakeResponse{200, topic_answer}; });
  IoThreads io;
  auto tokens = std::make_shared<FixedTokens>();
  RestClient client(google_config(), ClientOverrides{server.url(), tokens});
  auto answer = io.run(client.call("GET", client.topic_path("events"), ""));
  EXPECT_EQ(answer.at("name"), "projects/test-project/topics/events");
  io.run(client.call("GET", client.topic_path("events"), ""));
  auto requests = server.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].target, "/v1/projects/test-project/topics/events");
  EXPECT_EQ(requests[0].authorization, "Bearer token-1");
  EXPECT_EQ(tokens->fetched, 1);  // cached
}

TEST(GoogleClient, UsesAServiceAccountKeyThroughTheTokenEndpoint) {
  // The whole production chain: JWT -> token endpoint -> bearer token on the API call.
  FakeHttpServer token_server([](const RecordedRequest&) {
    return FakeResponse{200, R"({"access_token":"ya29.fake","expires_in":3599,"token_type":"Bearer"})"};
  });
  FakeHttpServer api([](const RecordedRequest&) { return FakeResponse{200, topic_answer}; });
  IoThreads io;
  EVP_PKEY* key = EVP_RSA_gen(2048);
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
  char* pem = nullptr;
  const long n = BIO_get_mem_data(bio, &pem);
  ServiceAccountKey account{"sa@test-project.iam.gserviceaccount.com", std::string(pem, static_cast<std::size_t>(n)), "k1",
                            token_server.url() + "/token"};
  BIO_free(bio);
  EVP_PKEY_free(key);
  auto tokens = std::make_shared<ServiceAccountTokenSource>(account, std::string(pubsub_scope), std::chrono::seconds(5));
  RestClient client(google_config(), ClientOverrides{api.url(), tokens});
  for (int i = 0; i < 3; ++i) io.run(client.call("GET", client.topic_path("events"), ""));
  EXPECT_EQ(token_server.requests().size(), 1u);
  ASSERT_EQ(api.requests().size(), 3u);
  for (const auto& r : api.requests()) EXPECT_EQ(r.authorization, "Bearer ya29.fake");
}

TEST(GoogleClient, RetriesUnavailableWithBackoffThenSucceeds) {
  std::atomic<int> calls{0};
  FakeHttpServer server([&](const RecordedRequest&) {
    return ++calls <= 2 ? FakeResponse{503, unavailable_answer} : FakeResponse{200, topic_answer};
  });
  IoThreads io;
  RestClient client(google_config(), ClientOverrides{server.url(), std::make_shared<FixedTokens>()});
  auto answer = io.run(client.call("GET", client.topic_path("events"), ""));
  EXPECT_EQ(answer.at("name"), "projects/test-project/topics/events");
  EXPECT_EQ(calls, 3);
}

TEST(GoogleClient, GivesUpAfterTheRetryBudgetWithGooglesStatus) {
  FakeHttpServer server([](const RecordedRequest&) { return FakeResponse{503, unavailable_answer}; });
  IoThreads io;
  auto config = google_config();
  config.retry_timeout = std::chrono::milliseconds(200);
  RestClient client(config, ClientOverrides{server.url(), std::make_shared<FixedTokens>()});
  try {
    io.run(client.call("GET", client.topic_path("events"), ""));
    FAIL() << "expected UnavailableError";
  } catch (const infra::UnavailableError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("UNAVAILABLE"), std::string::npos) << what;
    EXPECT_NE(what.find("The service is currently unavailable."), std::string::npos) << what;
    EXPECT_NE(what.find("attempts"), std::string::npos) << what;
  }
  EXPECT_GE(server.requests().size(), 2u);
}

TEST(GoogleClient, OtherErrorsSurfaceAtOnceWithTheirKind) {
  FakeHttpServer server([](const RecordedRequest& r) {
    if (r.target.ends_with("/missing")) return FakeResponse{404, not_found_answer};
    return FakeResponse{403, permission_answer};
  });
  IoThreads io;
  RestClient client(google_config(), ClientOverrides{server.url(), std::make_shared<FixedTokens>()});
  try {
    io.run(client.call("GET", client.topic_path("missing"), ""));
    FAIL();
  } catch (const infra::NotFoundError& e) {
    EXPECT_NE(std::string(e.what()).find("NOT_FOUND Resource not found"), std::string::npos) << e.what();
  }
  try {
    io.run(client.call("GET", client.topic_path("secret"), ""));
    FAIL();
  } catch (const infra::QueryError& e) {
    EXPECT_NE(std::string(e.what()).find("PERMISSION_DENIED"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("Pub/Sub Editor"), std::string::npos) << e.what();
  }
  EXPECT_EQ(server.requests().size(), 2u);  // neither was retried
}

TEST(GoogleClient, RefreshesTheTokenOnceAfter401) {
  std::atomic<int> calls{0};
  FakeHttpServer server([&](const RecordedRequest&) {
    return ++calls == 1 ? FakeResponse{401, unauthenticated_answer} : FakeResponse{200, topic_answer};
  });
  IoThreads io;
  auto tokens = std::make_shared<FixedTokens>();
  RestClient client(google_config(), ClientOverrides{server.url(), tokens});
  io.run(client.call("GET", client.topic_path("events"), ""));
  auto requests = server.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].authorization, "Bearer token-1");
  EXPECT_EQ(requests[1].authorization, "Bearer token-2");
}

// Answers :publish with one id per message in the request.
FakeResponse publish_answer(const RecordedRequest& r, std::atomic<int>& next_id) {
  auto body = json::parse(r.body);
  json::array ids;
  for (std::size_t i = 0; i < body.at("messages").as_array().size(); ++i) ids.emplace_back(std::to_string(++next_id));
  return FakeResponse{200, json::serialize(json::object{{"messageIds", ids}})};
}

awaitable<std::vector<std::string>> publish_many(Publisher& publisher, int n) {
  auto ex = co_await asio::this_coro::executor;
  std::vector<std::future<std::string>> futures;
  for (int i = 0; i < n; ++i) {
    futures.push_back(asio::co_spawn(ex, publisher.publish("events", "m" + std::to_string(i), {{"i", std::to_string(i)}}),
                                     asio::use_future));
  }
  std::vector<std::string> ids;
  for (auto& f : futures) {
    auto ready = [&f] { return f.wait_for(std::chrono::seconds(0)) == std::future_status::ready; };
    if (!co_await testkit::eventually_async(ready, std::chrono::seconds(30))) {
      throw std::runtime_error("a publish did not finish within 30 s");
    }
    ids.push_back(f.get());
  }
  co_return ids;
}

TEST(PublisherBatching, ConcurrentPublishesShareRequests) {
  std::atomic<int> next_id{0};
  FakeHttpServer server([&](const RecordedRequest& r) { return publish_answer(r, next_id); });
  IoThreads io;
  RestClient client(google_config(), ClientOverrides{server.url(), std::make_shared<FixedTokens>()});
  PublisherOptions options;
  options.batch_max_messages = 100;
  options.batch_max_delay = std::chrono::milliseconds(50);
  Publisher publisher(client, options);
  auto ids = io.run(publish_many(publisher, 250));
  std::set<std::string> distinct(ids.begin(), ids.end());
  EXPECT_EQ(distinct.size(), 250u);
  EXPECT_EQ(publisher.stats().published, 250u);
  // 100 + 100 + 50: three requests, not 250.
  EXPECT_EQ(server.requests().size(), 3u);
  auto first = json::parse(server.requests()[0].body);
  const auto& message = first.at("messages").at(0).as_object();
  EXPECT_EQ(message.at("data").as_string(), base64_encode("m0"));
  EXPECT_EQ(message.at("attributes").at("i"), "0");
  EXPECT_TRUE(message.at("attributes").as_object().contains("vibework-id"));
}

TEST(PublisherFlowControl, FailModeRefusesPastTheBound) {
  std::atomic<int> next_id{0};
  FakeHttpServer server([&](const RecordedRequest& r) {
    auto answer = publish_answer(r, next_id);
    answer.delay = std::chrono::milliseconds(300);
    return answer;
  });
  IoThreads io;
  RestClient client(google_config(), ClientOverrides{server.url(), std::make_shared<FixedTokens>()});
  PublisherOptions options;
  options.max_outstanding_messages = 2;
  options.flow_control = pubsub::PublishFlowControl::fail;
  Publisher publisher(client, options);
  EXPECT_THROW(io.run(publish_many(publisher, 3)), infra::PoolExhaustedError);
  io.run(publisher.flush());
  EXPECT_EQ(publisher.stats().outstanding_messages, 0u);
}

TEST(PublisherFlowControl, BlockModeWaitsAndDeliversEverything) {
  std::atomic<int> next_id{0};
  FakeHttpServer server([&](const RecordedRequest& r) {
    auto answer = publish_answer(r, next_id);
    answer.delay = std::chrono::milliseconds(20);
    return answer;
  });
  IoThreads io;
  RestClient client(google_config(), ClientOverrides{server.url(), std::make_shared<FixedTokens>()});
  PublisherOptions options;
  options.max_outstanding_messages = 10;
  options.batch_max_messages = 5;
  Publisher publisher(client, options);
  auto ids = io.run(publish_many(publisher, 60));
  EXPECT_EQ(ids.size(), 60u);
  EXPECT_EQ(publisher.stats().published, 60u);
}

TEST(PublisherFlush, SendsOpenBatchesAtOnce) {
  std::atomic<int> next_id{0};
  FakeHttpServer server([&](const RecordedRequest& r) { return publish_answer(r, next_id); });
  IoThreads io;
  RestClient client(google_config(), ClientOverrides{server.url(), std::make_shared<FixedTokens>()});
  PublisherOptions options;
  options.batch_max_delay = std::chrono::minutes(10);  // only flush() can send it
  Publisher publisher(client, options);
  auto pending = asio::co_spawn(io.executor(), publisher.publish("events", "late"), asio::use_future);
  // Nothing is sent before flush(). Proof that a request would have been seen by now: a marker
  // from a publisher that does not batch, on the same client and thread, issued after "late",
  // reaches the server alone.
  PublisherOptions unbatched;
  unbatched.batch_max_delay = std::chrono::milliseconds(0);
  Publisher marker(client, unbatched);
  EXPECT_EQ(io.run(marker.publish("markers", "marker")), "1");
  ASSERT_EQ(server.requests().size(), 1u);
  EXPECT_EQ(server.requests()[0].target, "/v1/projects/test-project/topics/markers:publish");
  io.run(publisher.flush());
  ASSERT_EQ(pending.wait_for(std::chrono::seconds(5)), std::future_status::ready);
  EXPECT_EQ(pending.get(), "2");
  ASSERT_EQ(server.requests().size(), 2u);
  EXPECT_EQ(server.requests()[1].target, "/v1/projects/test-project/topics/events:publish");
}

}  // namespace
}  // namespace vibework::pubsub
