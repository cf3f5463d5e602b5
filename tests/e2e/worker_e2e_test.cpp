// `vibework worker` and `serve --with-worker` on the built binary against the local Pub/Sub
// emulator, FerretDB and Redis (issue 13, worker): a notification.created event published to the
// emulator is delivered (the log line, deliveredAt, the Redis counter); the same event three
// times has one effect; a poison message reaches dead-letter-review after 5 attempts,
// `pubsub dead-letters` lists it (and leaves it), `--replay` brings it back to the worker; an
// event published while the worker is stopped is delivered after its restart; SIGTERM exits 0.
// Each test has a Pub/Sub project, a MySQL and a MongoDB database of its own.
#include <random>

#include "auth_harness.hpp"
#include "mongo_client.hpp"

using namespace vibework::e2e;
using namespace vibework::e2e::auth_harness;
using namespace std::chrono_literals;

namespace {

std::string base64(const std::string& in) {
  static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    const auto n = (static_cast<unsigned char>(in[i]) << 16) | (static_cast<unsigned char>(in[i + 1]) << 8) |
                   static_cast<unsigned char>(in[i + 2]);
    for (int shift : {18, 12, 6, 0}) out += alphabet[(n >> shift) & 63];
  }
  if (i < in.size()) {
    const auto n = (static_cast<unsigned char>(in[i]) << 16) |
                   (i + 1 < in.size() ? static_cast<unsigned char>(in[i + 1]) << 8 : 0);
    out += alphabet[(n >> 18) & 63];
    out += alphabet[(n >> 12) & 63];
    out += i + 1 < in.size() ? alphabet[(n >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

std::string random_hex(std::size_t digits) {
  std::random_device r;
  std::string out;
  while (out.size() < digits) out += "0123456789abcdef"[r() % 16];
  return out;
}

std::string redis_get(const std::string& key) {
  ChildProcess p("/usr/bin/redis-cli", {"-u", env_or("REDIS_URL", "redis://127.0.0.1:6379"), "--raw", "GET", key}, {});
  const auto code = p.wait_for_exit(10s);
  EXPECT_EQ(code, 0) << p.output();
  return trim(p.output());
}

unsigned short emulator_port() {
  const auto host = env_or("PUBSUB_EMULATOR_HOST", "localhost:8085");
  return static_cast<unsigned short>(std::stoi(host.substr(host.rfind(':') + 1)));
}

// The position of the first line containing `phrase` (npos when none).
std::size_t position(const std::string& log, const std::string& phrase) { return log.find(phrase); }

class WorkerE2E : public ::testing::Test {
 protected:
  static std::string name() { return "vibework_worker_e2e_" + pid_text(); }

  static void SetUpTestSuite() {
    sql("DROP DATABASE IF EXISTS `" + name() + "`; CREATE DATABASE `" + name() +
        "` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
  }
  static void TearDownTestSuite() {
    sql("DROP DATABASE IF EXISTS `" + name() + "`");
    MongoClient(mongo_uri()).drop_database();
  }
  static std::string mongo_uri() {
    return with_database(env_or("MONGODB_URI", "mongodb://localhost:27017/vibework"), name());
  }

  // Unique per test: no other test (or run) sees its topics, subscriptions or messages.
  std::string project = "worker-e2e-" + pid_text() + "-" + random_hex(6);
  std::string user = "worker-e2e-user-" + random_hex(8);
  MongoClient mongo{mongo_uri()};

  Env env(Env extra = {}) const {
    extra.emplace("PUBSUB_PROJECT_ID", project);
    // Five attempts in seconds, not minutes (the emulator honours the retry policy).
    extra.emplace("PUBSUB_REDELIVERY_MIN_BACKOFF_SECONDS", "0");
    extra.emplace("PUBSUB_REDELIVERY_MAX_BACKOFF_SECONDS", "1");
    // The smallest ack deadline: the emulator may hand a message to a stopped worker's abandoned
    // long-poll pull, and it comes back only when that lease expires (see the restart below).
    extra.emplace("PUBSUB_ACK_DEADLINE_SECONDS", "10");
    extra.emplace("MYSQL_DATABASE", name());
    extra.emplace("MYSQL_MIGRATE_ON_START", "true");  // the mail outbox table
    extra.emplace("MYSQL_MIGRATIONS_DIR", migrations_dir());
    extra.emplace("MONGODB_URI", mongo_uri());
    extra.emplace("LOG_LEVEL", "info");
    return extra;
  }

  // Waits until the process logged `phrase` (bounded); false when it did not.
  static bool logged(const ChildProcess& p, const std::string& phrase, std::chrono::milliseconds limit = 30s) {
    return eventually([&] { return p.output().find(phrase) != std::string::npos; }, limit);
  }
  static bool logged_lines(const ChildProcess& p, const std::string& phrase, int n, std::chrono::milliseconds limit = 30s) {
    return eventually([&] { return lines_with(p.output(), phrase) == n; }, limit);
  }

  std::unique_ptr<ChildProcess> start(const std::vector<std::string>& args, const std::string& ready, Env extra = {}) {
    auto p = std::make_unique<ChildProcess>(vibework_binary(), args, env(std::move(extra)));
    EXPECT_TRUE(logged(*p, ready, 60s)) << "not ready; its output:\n" << p->output();
    return p;
  }

  // The test's keys in the shared Redis: its user's counter, its events' markers.
  void TearDown() override {
    std::vector<std::string> args{"-u", env_or("REDIS_URL", "redis://127.0.0.1:6379"), "DEL", "notifications:unread:" + user};
    for (const auto& id : notifications) args.push_back("notifications:delivered:notification.created:" + id);
    ChildProcess("/usr/bin/redis-cli", args, {}).wait_for_exit(10s);
  }
  std::vector<std::string> notifications;

  // A notification as the API stores it, inserted directly; its id.
  std::string insert_notification(const std::string& title) {
    const auto id = random_hex(24);
    notifications.push_back(id);
    mongo.insert("notifications",
                 R"({"_id":{"$oid":")" + id + R"("},"userId":")" + user + R"(","type":"info","title":")" + title +
                     R"(","message":"Hello","read":false,"createdAt":{"$date":"2026-12-03T10:00:00.000Z"},)"
                     R"("updatedAt":{"$date":"2026-12-03T10:00:00.000Z"}})");
    return id;
  }
  std::string delivered_at(const std::string& id) {
    const auto doc = mongo.find_one("notifications", R"({"_id":{"$oid":")" + id + R"("}})");
    if (!doc) return "<no document>";
    const auto v = boost::json::parse(*doc);
    const auto* at = v.as_object().if_contains("deliveredAt");
    return at == nullptr ? std::string() : boost::json::serialize(*at);
  }

  // Publishes to one of the project's topics through the emulator's REST API; the message ids.
  using Messages = std::vector<std::pair<std::string, boost::json::object>>;  // data, attributes
  std::vector<std::string> publish(const std::string& topic, const Messages& messages) {
    boost::json::array list;
    for (const auto& [data, attributes] : messages) {
      list.push_back(boost::json::object{{"data", base64(data)}, {"attributes", attributes}});
    }
    TestClient emulator(emulator_port());
    const auto r = emulator.request(verb::post, "/v1/projects/" + project + "/topics/" + topic + ":publish",
                                    boost::json::serialize(boost::json::object{{"messages", list}}));
    EXPECT_EQ(r.status, 200u) << r.body;
    std::vector<std::string> ids;
    const auto answer = json_of(r);  // kept: a range-for over a temporary's member would dangle
    if (!answer.is_object() || !answer.as_object().contains("messageIds")) return ids;
    for (const auto& id : answer.at("messageIds").as_array()) ids.emplace_back(id.as_string());
    return ids;
  }
  std::string created_event(const std::string& id, const std::string& title) const {
    return R"({"event":"notification.created","notificationId":")" + id + R"(","userId":")" + user +
           R"(","type":"info","title":")" + title + R"(","createdAt":"2026-12-03T10:00:00.000Z"})";
  }
  static boost::json::object attributes(const std::string& event_id) {
    return {{"eventType", "notification.created"}, {"vibework-id", event_id}};
  }
  static std::string delivered_line(const std::string& id, const std::string& user_id, const std::string& event_id) {
    return "worker: delivered notification.created " + id + " to user " + user_id + " (event " + event_id + ", attempt ";
  }

  // `vibework pubsub dead-letters ...`: its exit code and output.
  std::pair<std::optional<int>, std::string> dead_letters(std::vector<std::string> args = {}) {
    args.insert(args.begin(), {"pubsub", "dead-letters"});
    ChildProcess p(vibework_binary(), args, env());
    const auto code = p.wait_for_exit(60s);
    return {code, p.output()};
  }

  static void stop(ChildProcess& p) {
    p.signal(SIGTERM);
    EXPECT_EQ(p.wait_for_exit(30s), 0) << "SIGTERM exits 0; output:\n" << p.output();
  }
};

TEST_F(WorkerE2E, DeliversOnceDeadLettersPoisonAndReplaysIt) {
  const auto first = insert_notification("First");
  auto worker = start({"worker"}, "vibework worker running");
  const auto event = "notification.created:" + first;

  // Delivered: the log line the README quotes, deliveredAt, the counter.
  publish("notifications-created", {{created_event(first, "First"), attributes(event)}});
  ASSERT_TRUE(logged(*worker, delivered_line(first, user, event) + "1)")) << worker->output();
  const auto at = delivered_at(first);
  EXPECT_FALSE(at.empty()) << "deliveredAt is set";
  EXPECT_EQ(redis_get("notifications:unread:" + user), "1");

  // The same event again, twice (a duplicate publish): one effect.
  publish("notifications-created", {{created_event(first, "First"), attributes(event)},
                                    {created_event(first, "First"), attributes(event)}});
  ASSERT_TRUE(logged_lines(*worker, "worker: duplicate of event " + event, 2)) << worker->output();
  EXPECT_EQ(lines_with(worker->output(), delivered_line(first, user, event)), 1);
  EXPECT_EQ(delivered_at(first), at) << "deliveredAt is set once";
  EXPECT_EQ(redis_get("notifications:unread:" + user), "1") << "counted once";

  // A poison message: five attempts, logged with its id each time, then the dead-letter topic.
  const auto poison = "poison-" + random_hex(8);
  const auto poison_id = publish("notifications-created", {{"not json", attributes(poison)}}).at(0);
  const auto poison_line = "worker: poison message " + poison_id + " on notifications-created-worker (event " + poison + ")";
  ASSERT_TRUE(logged(*worker, poison_line + ": the data is not JSON (syntax error); attempt 5 of 5: nacked, Pub/Sub now "
                              "moves it to the dead-letter topic", 60s))
      << worker->output();
  EXPECT_EQ(lines_with(worker->output(), poison_line), 5);

  // Listed, and left where it is: listing again shows it again.
  std::string listing;
  ASSERT_TRUE(eventually([&] {
    auto [code, out] = dead_letters();
    listing = out;
    return code == 0 && out.find("vibework-id=" + poison) != std::string::npos;
  }, 30s, 200ms)) << listing;
  const auto line = matching_lines(listing, "vibework-id=" + poison);
  EXPECT_THAT(line, HasSubstr("eventType=notification.created"));
  EXPECT_THAT(line, HasSubstr("from=notifications-created-worker"));
  EXPECT_THAT(line, HasSubstr("deliveries=5"));
  EXPECT_THAT(line, HasSubstr("data=not json"));
  auto [again_code, again] = dead_letters();
  EXPECT_EQ(again_code, 0) << again;
  EXPECT_EQ(lines_with(again, "vibework-id=" + poison), 1) << "still there, once:\n" << again;

  // --replay: back on notifications-created with its attributes, so the worker sees it again.
  auto [replay_code, replayed] = dead_letters({"--replay"});
  EXPECT_EQ(replay_code, 0) << replayed;
  EXPECT_THAT(replayed, HasSubstr("to projects/" + project + "/topics/notifications-created as message"));
  ASSERT_TRUE(logged_lines(*worker, "(event " + poison + "): the data is not JSON (syntax error); attempt 1 of 5", 2))
      << "the replayed message reaches the worker again:\n" << worker->output();

  // An event published while no worker runs waits for the next one: nothing is lost. (It may be
  // late: the emulator can give it to a pull the stopped worker abandoned, which it notices only
  // after a while; the message then returns when that lease expires, one ack deadline later.)
  stop(*worker);
  EXPECT_THAT(worker->output(), HasSubstr("worker: stopped consuming notifications-created-worker"));
  const auto second = insert_notification("Second");
  const auto second_event = "notification.created:" + second;
  publish("notifications-created", {{created_event(second, "Second"), attributes(second_event)}});
  auto restarted = start({"worker"}, "vibework worker running");
  ASSERT_TRUE(logged(*restarted, delivered_line(second, user, second_event), 60s)) << restarted->output();
  EXPECT_EQ(redis_get("notifications:unread:" + user), "2");
  stop(*restarted);
}

TEST_F(WorkerE2E, ServeWithWorkerStartsItAfterTheComponentsAndStopsItBeforeThem) {
  const auto id = insert_notification("Served");
  const auto port = free_port();
  auto server = start({"serve", "--with-worker"}, "vibework serving on", {{"HTTP_PORT", std::to_string(port)}});
  const auto event = "notification.created:" + id;
  publish("notifications-created", {{created_event(id, "Served"), attributes(event)}});
  ASSERT_TRUE(logged(*server, delivered_line(id, user, event))) << server->output();
  EXPECT_FALSE(delivered_at(id).empty());
  TestClient client(port);
  HttpResult ready;
  EXPECT_TRUE(eventually([&] {
    ready = client.request(verb::get, "/health/ready");
    return ready.status == 200u;
  }, 10s, 100ms)) << "readiness covers the services: " << ready.status << " " << ready.body;

  // The user events of the events topic are logged.
  const boost::json::object user_attributes{{"eventType", "user.created"}, {"vibework-id", "ev-" + user}};
  publish("events", {{R"({"event":"user.created","userId":")" + user + R"("})", user_attributes}});
  ASSERT_TRUE(logged(*server, "worker: user.created event ev-" + user + " for user " + user)) << server->output();

  stop(*server);
  const auto log = server->output();
  EXPECT_LT(position(log, "outbox-relay started"), position(log, "worker started")) << log;
  EXPECT_LT(position(log, "worker started"), position(log, "http started")) << log;
  EXPECT_LT(position(log, "http stopped"), position(log, "worker stopped")) << log;
  EXPECT_LT(position(log, "worker stopped"), position(log, "pubsub stopped")) << log;
}

TEST_F(WorkerE2E, DeadLettersSaysWhatIsWrongWhenTheEmulatorIsUnreachable) {
  const auto nobody = "127.0.0.1:" + std::to_string(free_port());
  ChildProcess p(vibework_binary(), {"pubsub", "dead-letters"}, env({{"PUBSUB_EMULATOR_HOST", nobody}}));
  EXPECT_EQ(p.wait_for_exit(30s), 1);
  EXPECT_THAT(p.output(), HasSubstr("is not reachable"));
  EXPECT_THAT(p.output(), HasSubstr("PUBSUB_EMULATOR_HOST"));
}

}  // namespace
