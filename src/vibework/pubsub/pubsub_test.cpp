// Integration tests against the Pub/Sub emulator (PUBSUB_EMULATOR_HOST, default localhost:8085,
// started by scripts/services start). Each test uses its own topic and subscription names. The
// restart test runs a PRIVATE emulator on another port, so the shared one is never stopped.
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <sstream>

#include "vibework/app/commands.hpp"
#include "vibework/app/pubsub_resources.hpp"  // the reference service's resources, as `serve` uses them
#include "vibework/infra/current_trace.hpp"
#include "vibework/infra/errors.hpp"
#include "vibework/infra/health.hpp"
#include "vibework/pubsub/admin.hpp"
#include "vibework/pubsub/publisher.hpp"
#include "vibework/pubsub/resources.hpp"
#include "vibework/pubsub/rest_client.hpp"
#include "vibework/pubsub/subscriber.hpp"
#include "vibework/pubsub/test_support.hpp"
#include "vibework/testkit/async.hpp"
#include "vibework/testkit/env.hpp"
#include "vibework/testkit/eventually.hpp"

namespace vibework::pubsub {
namespace {

using namespace std::chrono_literals;
using testing::IoThreads;
using testing::unique_name;
namespace topics = app::topics;
namespace subscriptions = app::subscriptions;
using testkit::eventually;

Resources app_resources(const pubsub::Config& config) { return app::pubsub_resources(config); }

// The component's health probe on a bare REST client: the notifications topic exists.
awaitable<infra::HealthStatus> check_pubsub_health(RestClient& client) {
  return infra::run_check([&client] { return require_topic(client, std::string(topics::NOTIFICATIONS)); }, 5s,
                          "pubsub");
}

pubsub::Config emulator_config() {
  auto c = testkit::section_from_environment<pubsub::Config>();
  c.retry_timeout = 20s;
  return c;
}

awaitable<void> sleep_for(std::chrono::milliseconds d) {
  asio::steady_timer t(co_await asio::this_coro::executor, d);
  co_await t.async_wait(use_awaitable);
}

// Publishes n messages concurrently from every I/O thread; returns vibework-id -> seq.
std::map<std::string, int> publish_concurrently(IoThreads& io, Publisher& publisher, const std::string& topic, int n) {
  std::vector<std::future<std::string>> futures;
  std::vector<std::string> dedup(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) {
    dedup[static_cast<std::size_t>(i)] = unique_name("msg");
    Attributes attrs{{"seq", std::to_string(i)}, {"kind", "test"}, {std::string(MESSAGE_ID_ATTRIBUTE), dedup[static_cast<std::size_t>(i)]}};
    futures.push_back(asio::co_spawn(io.executor(static_cast<std::size_t>(i) % io.size()),
                                     publisher.publish(topic, "payload-" + std::to_string(i), attrs), asio::use_future));
  }
  std::map<std::string, int> out;
  for (int i = 0; i < n; ++i) {
    EXPECT_FALSE(futures[static_cast<std::size_t>(i)].get().empty());
    out[dedup[static_cast<std::size_t>(i)]] = i;
  }
  return out;
}

class PubsubEmulator : public ::testing::Test {
 protected:
  void SetUp() override {
    config = emulator_config();
    ASSERT_TRUE(config.emulator.has_value())
        << "these tests need the Pub/Sub emulator: set PUBSUB_EMULATOR_HOST (default localhost:8085 in development)";
    client = std::make_unique<RestClient>(config);
    try {
      CallOptions once;
      once.retry = false;
      io.run(client->call("GET", "projects/" + config.project_id + "/topics", "", once));
    } catch (const std::exception& e) {
      FAIL() << "the Pub/Sub emulator at " << config.emulator->to_string()
             << " is not reachable; start it with scripts/services start. " << e.what();
    }
  }

  // Ensures a fresh topic and subscription; returns {topic, subscription}.
  std::pair<std::string, std::string> fresh(SubscriptionOptions options = {}) {
    auto topic = unique_name("topic");
    auto sub = unique_name("sub");
    io.run(ensure_topic(*client, topic));
    io.run(ensure_subscription(*client, sub, topic, options));
    return {topic, sub};
  }

  std::size_t pull_now(const std::string& sub) {
    auto answer = io.run(client->call("POST", client->subscription_path(sub) + ":pull",
                                      R"({"maxMessages":100,"returnImmediately":true})"));
    const auto* list = answer.as_object().if_contains("receivedMessages");
    return list ? list->as_array().size() : 0;
  }

  IoThreads io{2};
  pubsub::Config config;
  std::unique_ptr<RestClient> client;
};

TEST_F(PubsubEmulator, EnsureIsIdempotentAndPoliciesReadBackAsSet) {
  const auto topic = unique_name("topic");
  const auto dead = unique_name("dead");
  const auto sub = unique_name("sub");
  io.run(ensure_topic(*client, topic));
  io.run(ensure_topic(*client, topic));
  io.run(ensure_topic(*client, dead));
  EXPECT_TRUE(io.run(topic_exists(*client, topic)));
  EXPECT_FALSE(io.run(topic_exists(*client, unique_name("missing"))));

  SubscriptionOptions options;
  options.ack_deadline = 30s;
  options.retry_policy = RetryPolicy{10s, 600s};
  options.dead_letter_policy = DeadLetterPolicy{dead, 5};
  options.filter = R"(attributes.kind = "test")";
  options.message_retention = 3600s;
  auto first = io.run(ensure_subscription(*client, sub, topic, options));
  auto second = io.run(ensure_subscription(*client, sub, topic, options));
  auto read = io.run(get_subscription(*client, sub));
  ASSERT_TRUE(read.has_value());
  for (const auto* info : {&first, &second, &*read}) {
    EXPECT_EQ(info->name, client->subscription_path(sub));
    EXPECT_EQ(info->topic, client->topic_path(topic));
    EXPECT_EQ(info->options.ack_deadline, 30s);
    ASSERT_TRUE(info->options.retry_policy.has_value());
    EXPECT_EQ(info->options.retry_policy->minimum_backoff, 10s);
    EXPECT_EQ(info->options.retry_policy->maximum_backoff, 600s);
    ASSERT_TRUE(info->options.dead_letter_policy.has_value());
    EXPECT_EQ(info->options.dead_letter_policy->dead_letter_topic, client->topic_path(dead));
    EXPECT_EQ(info->options.dead_letter_policy->max_delivery_attempts, 5);
    EXPECT_EQ(info->options.filter, R"(attributes.kind = "test")");
    EXPECT_EQ(info->options.message_retention, 3600s);
  }

  // Ensuring again with other mutable settings updates them.
  options.ack_deadline = 45s;
  options.dead_letter_policy->max_delivery_attempts = 7;
  auto updated = io.run(ensure_subscription(*client, sub, topic, options));
  EXPECT_EQ(updated.options.ack_deadline, 45s);
  auto reread = io.run(get_subscription(*client, sub));
  ASSERT_TRUE(reread.has_value());
  ASSERT_TRUE(reread->options.dead_letter_policy.has_value());
  EXPECT_EQ(reread->options.dead_letter_policy->max_delivery_attempts, 7);

  // What cannot change is a conflict, not a silent mismatch.
  EXPECT_THROW(io.run(ensure_subscription(*client, sub, dead, options)), infra::ConflictError);
  options.filter.clear();
  EXPECT_THROW(io.run(ensure_subscription(*client, sub, topic, options)), infra::ConflictError);

  EXPECT_THROW(io.run(ensure_topic(*client, "x")), infra::InvalidArgumentError);
  EXPECT_THROW(io.run(ensure_topic(*client, "goog-reserved")), infra::InvalidArgumentError);
}

TEST_F(PubsubEmulator, ThousandConcurrentPublishesAreEachReceivedOnceWithAttributes) {
  auto [topic, sub] = fresh();
  Publisher publisher(*client, PublisherOptions::from(config));
  const int n = 1000;
  auto published = publish_concurrently(io, publisher, topic, n);
  ASSERT_EQ(published.size(), static_cast<std::size_t>(n));
  EXPECT_LT(publisher.stats().requests, 200u) << "batching should share requests";

  struct Seen {
    std::mutex mutex;
    std::map<std::string, int> count;
    int bad = 0;
  };
  auto seen = std::make_shared<Seen>();
  auto handler = [seen, &published](Message& m) -> awaitable<void> {
    std::lock_guard lock(seen->mutex);
    const auto id = std::string(m.dedup_id());
    auto it = published.find(id);
    if (it == published.end() || m.data != "payload-" + std::to_string(it->second) ||
        m.attributes["seq"] != std::to_string(it->second) || m.attributes["kind"] != "test" || m.message_id.empty() ||
        m.delivery_attempt < 1 || m.publish_time == infra::TimePoint{}) {
      ++seen->bad;
    }
    ++seen->count[id];
    m.ack();
    co_return;
  };
  Subscriber subscriber(*client, sub, handler, SubscriberOptions::from(config), io.executor(1));
  subscriber.start();
  EXPECT_TRUE(eventually([&] { std::lock_guard l(seen->mutex); return seen->count.size() == published.size(); }, 60s));
  io.run(subscriber.stop());
  EXPECT_EQ(seen->bad, 0);
  for (const auto& [id, count] : seen->count) EXPECT_EQ(count, 1) << id;
  EXPECT_EQ(subscriber.stats().acked, static_cast<std::size_t>(n));
  EXPECT_EQ(pull_now(sub), 0u) << "every message was acked";
}

// A publish from traced work (a request) names its trace in the traceparent attribute, unless
// the caller set one; the handler of the message runs in a new span of that trace, or in a new
// trace when the message has none.
TEST_F(PubsubEmulator, APublishInATraceCarriesItAndTheHandlerContinuesIt) {
  auto [topic, sub] = fresh();
  Publisher publisher(*client, PublisherOptions::from(config));
  const auto trace = infra::start_trace();
  const auto explicit_parent = infra::start_trace().traceparent();
  const auto traced = infra::traced(io.executor(0), trace);
  asio::co_spawn(traced, publisher.publish(topic, "traced"), asio::use_future).get();
  asio::co_spawn(io.executor(0), publisher.publish(topic, "untraced"), asio::use_future).get();
  Attributes given{{std::string(infra::TRACEPARENT), explicit_parent}};
  asio::co_spawn(traced, publisher.publish(topic, "given", given), asio::use_future).get();

  struct Seen {
    std::string attribute;
    std::optional<infra::TraceContext> handled_in;
  };
  std::mutex mutex;
  std::map<std::string, Seen> seen;
  auto handler = [&](Message& m) -> awaitable<void> {
    co_await sleep_for(1ms);  // a resumption, not just the first run
    std::lock_guard lock(mutex);
    auto& s = seen[m.data];
    s.attribute = m.attributes[std::string(infra::TRACEPARENT)];
    if (const auto* t = infra::current_trace()) s.handled_in = *t;
    m.ack();
  };
  Subscriber subscriber(*client, sub, handler, SubscriberOptions::from(config), io.executor(1));
  subscriber.start();
  EXPECT_TRUE(eventually([&] { std::lock_guard l(mutex); return seen.size() == 3; }, 30s));
  io.run(subscriber.stop());

  std::lock_guard lock(mutex);
  EXPECT_EQ(seen["traced"].attribute, trace.traceparent());
  ASSERT_TRUE(seen["traced"].handled_in);
  EXPECT_EQ(seen["traced"].handled_in->trace_id_hex(), trace.trace_id_hex());
  EXPECT_NE(seen["traced"].handled_in->span_id_hex(), trace.span_id_hex()) << "a span of its own";

  EXPECT_EQ(seen["untraced"].attribute, "");
  ASSERT_TRUE(seen["untraced"].handled_in) << "a message without a trace starts one";
  EXPECT_NE(seen["untraced"].handled_in->trace_id_hex(), trace.trace_id_hex());

  EXPECT_EQ(seen["given"].attribute, explicit_parent) << "the caller's attribute wins";
  ASSERT_TRUE(seen["given"].handled_in);
  EXPECT_EQ(seen["given"].handled_in->trace_id_hex(), infra::parse_traceparent(explicit_parent)->trace_id_hex());
}

TEST_F(PubsubEmulator, NackedMessagesComeBackWithAGrowingDeliveryAttempt) {
  const auto dead = unique_name("dead");
  io.run(ensure_topic(*client, dead));
  SubscriptionOptions options;
  options.retry_policy = RetryPolicy{1s, 1s};
  options.dead_letter_policy = DeadLetterPolicy{dead, 10};  // Google counts attempts only with a dead-letter policy
  auto [topic, sub] = fresh(options);
  Publisher publisher(*client, PublisherOptions::from(config));
  io.run(publisher.publish(topic, "again"));

  auto attempts = std::make_shared<std::vector<int>>();
  auto marker_attempts = std::make_shared<std::vector<int>>();
  auto mutex = std::make_shared<std::mutex>();
  Subscriber subscriber(
      *client, sub,
      [attempts, marker_attempts, mutex](Message& m) -> awaitable<void> {
        std::lock_guard lock(*mutex);
        const bool marker = m.data == "marker";
        (marker ? marker_attempts : attempts)->push_back(m.delivery_attempt);
        if (m.delivery_attempt < (marker ? 2 : 3)) {
          m.nack();
        } else {
          m.ack();
        }
        co_return;
      },
      SubscriberOptions::from(config), io.executor(0));
  subscriber.start();
  EXPECT_TRUE(eventually([&] { std::lock_guard l(*mutex); return attempts->size() >= 3; }, 30s));
  // No fourth delivery. Once the emulator has the ack, a marker is published and nacked once: its
  // redelivery goes the way a fourth delivery would, queued after it, so by the time the marker
  // is back a fourth delivery would have shown up.
  EXPECT_TRUE(eventually([&] { return subscriber.stats().acked >= 1; }, 30s));
  io.run(publisher.publish(topic, "marker"));
  EXPECT_TRUE(eventually([&] { std::lock_guard l(*mutex); return marker_attempts->size() >= 2; }, 30s));
  io.run(subscriber.stop());
  std::lock_guard l(*mutex);
  EXPECT_EQ(*attempts, (std::vector<int>{1, 2, 3}));
  EXPECT_EQ(*marker_attempts, (std::vector<int>{1, 2}));
}

TEST_F(PubsubEmulator, AMessageNackedFiveTimesLandsOnTheDeadLetterTopic) {
  const auto dead = unique_name("dead");
  const auto dead_sub = unique_name("dead-sub");
  io.run(ensure_topic(*client, dead));
  io.run(ensure_subscription(*client, dead_sub, dead));
  SubscriptionOptions options;
  options.retry_policy = RetryPolicy{1s, 1s};
  options.dead_letter_policy = DeadLetterPolicy{dead, 5};
  auto [topic, sub] = fresh(options);
  Publisher publisher(*client, PublisherOptions::from(config));
  io.run(publisher.publish(topic, "poison", {{"kind", "poison"}}));

  auto attempts = std::make_shared<std::atomic<int>>(0);
  Subscriber failing(
      *client, sub,
      [attempts](Message&) -> awaitable<void> {
        ++*attempts;
        throw std::runtime_error("cannot handle this one");  // a throwing handler nacks
        co_return;
      },
      SubscriberOptions::from(config), io.executor(0));
  struct Dead {
    std::mutex mutex;
    std::vector<Message> messages;
  };
  auto dead_letters = std::make_shared<Dead>();
  Subscriber reviewer(
      *client, dead_sub,
      [dead_letters](Message& m) -> awaitable<void> {
        m.ack();
        std::lock_guard lock(dead_letters->mutex);
        dead_letters->messages.push_back(m);
        co_return;
      },
      SubscriberOptions::from(config), io.executor(1));
  failing.start();
  reviewer.start();
  EXPECT_TRUE(eventually([&] { std::lock_guard l(dead_letters->mutex); return !dead_letters->messages.empty(); }, 60s));
  io.run(failing.stop());
  io.run(reviewer.stop());
  EXPECT_EQ(attempts->load(), 5);
  EXPECT_EQ(failing.stats().handler_errors, 5u);
  std::lock_guard l(dead_letters->mutex);
  ASSERT_EQ(dead_letters->messages.size(), 1u);
  auto& m = dead_letters->messages[0];
  EXPECT_EQ(m.data, "poison");
  EXPECT_EQ(m.attributes["kind"], "poison");
  EXPECT_EQ(m.attributes["CloudPubSubDeadLetterSourceDeliveryCount"], "5");
  EXPECT_FALSE(m.dedup_id().empty());
}

TEST_F(PubsubEmulator, ASlowHandlerKeepsItsMessageWhileTheLeaseIsExtended) {
  SubscriptionOptions options;
  options.ack_deadline = 10s;  // the smallest Google allows
  auto [topic, sub] = fresh(options);
  Publisher publisher(*client, PublisherOptions::from(config));
  io.run(publisher.publish(topic, "slow"));

  auto deliveries = std::make_shared<std::atomic<int>>(0);
  auto done = std::make_shared<std::atomic<bool>>(false);
  auto subscriber_options = SubscriberOptions::from(config);
  subscriber_options.lease_extension = 10s;
  Subscriber subscriber(
      *client, sub,
      [deliveries, done](Message& m) -> awaitable<void> {
        ++*deliveries;
        co_await sleep_for(14s);  // the scenario: a handler busy well past the 10 s ack deadline
        m.ack();
        *done = true;
      },
      subscriber_options, io.executor(0));
  subscriber.start();
  EXPECT_TRUE(eventually([&] { return done->load(); }, 30s));
  EXPECT_TRUE(eventually([&] { return subscriber.stats().acked == 1; }, 10s)) << "the ack was never sent";
  io.run(subscriber.stop());
  EXPECT_EQ(deliveries->load(), 1) << "the message was redelivered although its lease was being extended";
  EXPECT_GE(subscriber.stats().lease_extensions, 2u);
  EXPECT_EQ(subscriber.stats().acked, 1u);
  EXPECT_EQ(pull_now(sub), 0u);
}

TEST_F(PubsubEmulator, ShutdownWithMessagesInFlightLosesNone) {
  auto [topic, sub] = fresh();
  Publisher publisher(*client, PublisherOptions::from(config));
  auto published = publish_concurrently(io, publisher, topic, 40);

  // The first subscriber holds 10 messages in handlers that never finish in time.
  auto release = std::make_shared<std::atomic<bool>>(false);
  auto first_options = SubscriberOptions::from(config);
  first_options.max_outstanding_messages = 10;
  first_options.shutdown_timeout = 300ms;
  first_options.parallel_pulls = 1;
  Subscriber first(
      *client, sub,
      [release](Message& m) -> awaitable<void> {
        auto released = [flag = release.get()] { return flag->load(); };  // GCC 12: no owning capture
        co_await testkit::eventually_async(released, 120s);
        m.ack();
      },
      first_options, io.executor(0));
  first.start();
  EXPECT_TRUE(eventually([&] { return first.stats().outstanding == 10; }, 30s));
  io.run(first.stop());
  EXPECT_EQ(first.stats().acked, 0u);
  EXPECT_GE(first.stats().nacked, 10u);

  // The next subscriber gets every message, the 10 given back included, at once.
  struct Seen {
    std::mutex mutex;
    std::set<std::string> ids;
  };
  auto seen = std::make_shared<Seen>();
  Subscriber second(
      *client, sub,
      [seen](Message& m) -> awaitable<void> {
        std::lock_guard lock(seen->mutex);
        seen->ids.insert(std::string(m.dedup_id()));
        m.ack();
        co_return;
      },
      SubscriberOptions::from(config), io.executor(1));
  second.start();
  EXPECT_TRUE(eventually([&] { std::lock_guard l(seen->mutex); return seen->ids.size() == published.size(); }, 30s));
  io.run(second.stop());
  *release = true;
  std::lock_guard l(seen->mutex);
  for (const auto& [id, seq] : published) EXPECT_TRUE(seen->ids.contains(id)) << "message " << seq << " was lost";
}

TEST_F(PubsubEmulator, HealthChecksTheNotificationsTopic) {
  auto other = config;
  other.project_id = unique_name("project");  // the emulator accepts any project; this one is empty
  RestClient fresh_client(other);
  auto missing = io.run(check_pubsub_health(fresh_client));
  EXPECT_FALSE(missing.is_ok());
  EXPECT_EQ(missing.message, "Topic does not exist");
  io.run(ensure_topic(fresh_client, std::string(topics::NOTIFICATIONS)));
  auto ok = io.run(check_pubsub_health(fresh_client));
  EXPECT_TRUE(ok.is_ok()) << ok.message;
}

TEST_F(PubsubEmulator, SetupCreatesTheAppResourcesIdempotently) {
  auto other = config;
  other.project_id = unique_name("project");
  RestClient fresh_client(other);
  auto resources = app_resources(other);
  auto first = io.run(ensure_resources(fresh_client, resources));
  auto second = io.run(ensure_resources(fresh_client, resources));
  EXPECT_EQ(first, second);
  EXPECT_EQ(first.size(), 6u);
  auto worker = io.run(get_subscription(fresh_client, std::string(subscriptions::EVENTS_WORKER)));
  ASSERT_TRUE(worker.has_value());
  EXPECT_EQ(worker->topic, fresh_client.topic_path(topics::EVENTS));
  EXPECT_EQ(worker->options.retry_policy, (RetryPolicy{10s, 600s}));
  ASSERT_TRUE(worker->options.dead_letter_policy.has_value());
  EXPECT_EQ(worker->options.dead_letter_policy->dead_letter_topic, fresh_client.topic_path(topics::DEAD_LETTER));
  EXPECT_EQ(worker->options.dead_letter_policy->max_delivery_attempts, 5);
  auto review = io.run(get_subscription(fresh_client, std::string(subscriptions::DEAD_LETTER_REVIEW)));
  ASSERT_TRUE(review.has_value());
  EXPECT_FALSE(review->options.retry_policy.has_value()) << "dead letters listed (nacked) must come back at once";
  EXPECT_TRUE(io.run(check_pubsub_health(fresh_client)).is_ok());

  std::ostringstream out, err;
  EXPECT_EQ(app::run_pubsub_setup(other, out, err), 0) << err.str();
  EXPECT_EQ(app::run_pubsub_setup(other, out, err), 0) << err.str();
}

TEST_F(PubsubEmulator, PublishingToATopicNobodyCreatedIsNotFound) {
  Publisher publisher(*client, PublisherOptions::from(config));
  try {
    io.run(publisher.publish(unique_name("never-created"), "x"));
    FAIL() << "expected NotFoundError";
  } catch (const infra::NotFoundError& e) {
    EXPECT_NE(std::string(e.what()).find("NOT_FOUND"), std::string::npos) << e.what();
  }
}

// A private emulator: stopped and restarted under a live client.
TEST(PubsubPrivateEmulator, PublishFailsClearlyWhileStoppedAndWorksAfterRestart) {
  testing::EmulatorProcess emulator(testing::free_port());
  ASSERT_TRUE(emulator.start()) << "could not start " << testing::EmulatorProcess::binary << " (needs Java)";
  IoThreads io(1);
  auto config = emulator_config();
  config.emulator = infra::HostPort{"127.0.0.1", emulator.port()};
  config.retry_timeout = 2s;
  config.request_timeout = 2s;
  config.connect_timeout = 1s;
  RestClient client(config);
  const auto topic = unique_name("topic");
  const auto sub = unique_name("sub");
  io.run(ensure_topic(client, topic));
  io.run(ensure_topic(client, std::string(topics::NOTIFICATIONS)));
  io.run(ensure_subscription(client, sub, topic));
  Publisher publisher(client, PublisherOptions::from(config));
  EXPECT_FALSE(io.run(publisher.publish(topic, "before")).empty());
  EXPECT_TRUE(io.run(check_pubsub_health(client)).is_ok());

  emulator.stop();
  const auto address = fmt::format("127.0.0.1:{}", emulator.port());
  try {
    io.run(publisher.publish(topic, "while stopped"));
    FAIL() << "expected UnavailableError";
  } catch (const infra::UnavailableError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("emulator at " + address + " is not reachable"), std::string::npos) << what;
    EXPECT_NE(what.find("scripts/services start"), std::string::npos) << what;
    EXPECT_NE(what.find("attempts"), std::string::npos) << what;  // it was retried first
  }
  auto health = io.run(check_pubsub_health(client));
  EXPECT_FALSE(health.is_ok());
  EXPECT_NE(health.message.find("scripts/services start"), std::string::npos) << health.message;

  ASSERT_TRUE(emulator.start());
  // Same client, same process: the emulator forgot the topic; the client re-creates it.
  EXPECT_FALSE(io.run(publisher.publish(topic, "after")).empty());
  EXPECT_TRUE(io.run(check_pubsub_health(client)).is_ok());
  auto got = std::make_shared<std::atomic<int>>(0);
  Subscriber subscriber(
      client, sub,
      [got](Message& m) -> awaitable<void> {
        if (m.data == "after") ++*got;
        m.ack();
        co_return;
      },
      SubscriberOptions::from(config), io.executor(0));
  subscriber.start();
  EXPECT_TRUE(eventually([&] { return got->load() == 1; }, 20s)) << "the re-created subscription did not get the message";
  io.run(subscriber.stop());

  // A process that started while the emulator was down never ensured anything: the component
  // registers the app's resources up front, and the first NOT_FOUND creates them all.
  auto late_config = config;
  late_config.project_id = unique_name("project");
  RestClient late(late_config);
  remember_resources(late, app_resources(late_config));
  Publisher late_publisher(late, PublisherOptions::from(late_config));
  EXPECT_FALSE(io.run(late_publisher.publish(std::string(topics::NOTIFICATIONS), "first")).empty());
  auto worker = io.run(get_subscription(late, std::string(subscriptions::NOTIFICATIONS_WORKER)));
  ASSERT_TRUE(worker.has_value());
  EXPECT_TRUE(worker->options.dead_letter_policy.has_value());
  EXPECT_TRUE(io.run(check_pubsub_health(late)).is_ok());
}

}  // namespace
}  // namespace vibework::pubsub
