// /api/notifications on the binary (issue 13, notifications and reliable events): the caller's
// own notifications only, a cursor that stays put while others insert, and the outbox: every
// accepted create reaches Pub/Sub — through an emulator outage and across a SIGTERM — and
// the requests never wait for Pub/Sub.
#include <set>
#include <thread>

#include "auth_harness.hpp"
#include "test_subscription.hpp"

using namespace vibework::e2e;
using namespace vibework::e2e::auth_harness;
using namespace std::chrono_literals;

namespace {

constexpr const char* emulator_binary = "/usr/lib/google-cloud-sdk/platform/pubsub-emulator/bin/cloud-pubsub-emulator";

std::string unique_project(const std::string& tag) {
  static std::atomic<int> n{0};
  return "e2e-" + tag + "-" + pid_text() + "-" + std::to_string(++n);
}


class NotificationsE2E : public AuthE2E {
 protected:
  static std::string mongo_database() { return "vibework_notifications_e2e_" + pid_text(); }
  static Env notifications_env(Env extra = {}) {
    extra.emplace("MONGODB_URI", "mongodb://127.0.0.1:27017/" + mongo_database());
    return env(std::move(extra));
  }
};

// A signed-in user of `server` with JSON helpers for the notifications API.
struct User {
  Browser b;
  std::string id;

  User(unsigned short port, const std::string& tag) : b(port) {
    auto up = b.sign_up(unique_email(tag));
    EXPECT_EQ(up.status, 200u) << up.body;
    if (up.status == 200) id = str(json_of(up).at("user"), "id");
  }
  Headers headers(bool json = false) const {
    Headers h{{"Cookie", b.jar.header()}, {"Origin", trusted_origin}};
    if (json) h.emplace_back("Content-Type", "application/json");
    return h;
  }
  HttpResult call(verb method, const std::string& target, const std::string& body = "") {
    return b.client.send(method, target, headers(!body.empty()), body);
  }
  // Creates one and returns its id ("" on failure).
  std::string create(const std::string& title) {
    auto r = call(verb::post, "/api/notifications",
                  boost::json::serialize(boost::json::object{{"type", "info"}, {"title", title}, {"message", "m"}}));
    EXPECT_EQ(r.status, 201u) << r.body;
    return r.status == 201 ? str(json_of(r), "id") : std::string();
  }
};

TEST_F(NotificationsE2E, TheWholeFlowOnOnesOwnNotifications) {
  Server server(notifications_env());
  User a(server.port, "flow");

  auto created = a.call(verb::post, "/api/notifications",
                        R"({"type":"success","title":"Welcome","message":"Hello there","data":{"plan":"pro","seats":3}})");
  ASSERT_EQ(created.status, 201u) << created.body;
  const auto n = json_of(created);
  const auto id = str(n, "id");
  EXPECT_EQ(str(n, "userId"), a.id);
  EXPECT_EQ(str(n, "type"), "success");
  EXPECT_EQ(str(n, "title"), "Welcome");
  EXPECT_EQ(str(n, "message"), "Hello there");
  EXPECT_EQ(n.at("data").at("seats").as_int64(), 3);
  EXPECT_FALSE(n.at("read").as_bool());
  EXPECT_TRUE(n.at("readAt").is_null());
  EXPECT_EQ(str(n, "createdAt"), str(n, "updatedAt"));
  EXPECT_FALSE(n.as_object().contains("outbox")) << "the outbox entry is not part of the API";
  const auto second = a.create("Second");

  auto fetched = a.call(verb::get, "/api/notifications/" + id);
  ASSERT_EQ(fetched.status, 200u) << fetched.body;
  EXPECT_EQ(str(json_of(fetched), "title"), "Welcome");

  auto list = json_of(a.call(verb::get, "/api/notifications"));
  ASSERT_EQ(list.at("notifications").as_array().size(), 2u);
  EXPECT_EQ(str(list.at("notifications").at(0), "id"), second) << "newest first";
  EXPECT_TRUE(list.at("nextCursor").is_null());
  EXPECT_EQ(json_of(a.call(verb::get, "/api/notifications/unread-count")).at("count").as_int64(), 2);

  auto read = a.call(verb::patch, "/api/notifications/" + id + "/read");
  ASSERT_EQ(read.status, 200u) << read.body;
  const auto read_at = str(json_of(read), "readAt");
  EXPECT_TRUE(json_of(read).at("read").as_bool());
  auto again = json_of(a.call(verb::patch, "/api/notifications/" + id + "/read"));
  EXPECT_EQ(str(again, "readAt"), read_at) << "marking again keeps the first readAt";
  auto unread = json_of(a.call(verb::get, "/api/notifications?unread=true"));
  ASSERT_EQ(unread.at("notifications").as_array().size(), 1u);
  EXPECT_EQ(str(unread.at("notifications").at(0), "id"), second);

  EXPECT_EQ(json_of(a.call(verb::post, "/api/notifications/read-all")).at("updated").as_int64(), 1);
  EXPECT_EQ(json_of(a.call(verb::get, "/api/notifications/unread-count")).at("count").as_int64(), 0);

  auto deleted = a.call(verb::delete_, "/api/notifications/" + id);
  EXPECT_EQ(deleted.status, 204u) << deleted.body;
  EXPECT_TRUE(deleted.body.empty());
  EXPECT_EQ(a.call(verb::get, "/api/notifications/" + id).status, 404u);
  EXPECT_EQ(a.call(verb::delete_, "/api/notifications/" + id).status, 404u);

  // Bad input: 400 naming the field.
  const std::vector<std::pair<std::string, std::string>> bad = {
      {R"({"type":"sms","title":"t","message":"m"})", "type"},
      {R"({"type":"info","title":"","message":"m"})", "title"},
      {R"({"type":"info","title":")" + std::string(201, 'x') + R"(","message":"m"})", "title"},
      {R"({"type":"info","title":"t","message":")" + std::string(2001, 'x') + R"("})", "message"},
      {R"({"type":"info","title":"t"})", "message"},
      {R"({"type":"info","title":"t","message":"m","data":[1]})", "data"},
      {R"({"type":"info","title":"t","message":"m","data":{"blob":")" + std::string(4100, 'x') + R"("}})", "data"},
      {R"({"type":"info","title":"t","message":"m","priority":1})", "priority"},
      {R"({"type":1,"title":"t","message":"m"})", "type"}};
  for (const auto& [body, field] : bad) {
    auto r = a.call(verb::post, "/api/notifications", body);
    EXPECT_EQ(r.status, 400u) << body.substr(0, 80) << " -> " << r.body;
    EXPECT_THAT(str(json_of(r), "message"), HasSubstr(field)) << body.substr(0, 80);
  }
  for (const auto* q : {"?limit=0", "?limit=101", "?limit=abc", "?unread=maybe", "?cursor=not-ours"}) {
    auto r = a.call(verb::get, std::string("/api/notifications") + q);
    EXPECT_EQ(r.status, 400u) << q << " -> " << r.body;
  }

  TestClient anonymous(server.port);
  for (const auto& [method, target] : std::vector<std::pair<verb, std::string>>{
           {verb::get, "/api/notifications"}, {verb::post, "/api/notifications"},
           {verb::get, "/api/notifications/" + second}, {verb::get, "/api/notifications/unread-count"}}) {
    auto r = anonymous.request(method, target, method == verb::post ? "{}" : "");
    EXPECT_EQ(r.status, 401u) << target;
    EXPECT_EQ(str(json_of(r), "code"), "UNAUTHORIZED");
  }
}

TEST_F(NotificationsE2E, AnotherUsersNotificationsAreInvisibleOnEveryRoute) {
  Server server(notifications_env());
  User a(server.port, "owner");
  User b(server.port, "other");
  const auto mine = a.create("A's secret");
  ASSERT_FALSE(mine.empty());

  // B cannot tell A's id from an unknown or a malformed one: 404 every time, never 403.
  for (const auto& id : {mine, std::string("65a1f0c2e4b0a1b2c3d4e5f6"), std::string("not-an-id")}) {
    for (const auto& [method, target] : std::vector<std::pair<verb, std::string>>{
             {verb::get, "/api/notifications/" + id},
             {verb::patch, "/api/notifications/" + id + "/read"},
             {verb::delete_, "/api/notifications/" + id}}) {
      auto r = b.call(method, target);
      EXPECT_EQ(r.status, 404u) << target << " -> " << r.body;
      EXPECT_EQ(str(json_of(r), "code"), "NOT_FOUND");
    }
  }
  EXPECT_TRUE(json_of(b.call(verb::get, "/api/notifications")).at("notifications").as_array().empty());
  EXPECT_EQ(json_of(b.call(verb::get, "/api/notifications/unread-count")).at("count").as_int64(), 0);
  EXPECT_EQ(json_of(b.call(verb::post, "/api/notifications/read-all")).at("updated").as_int64(), 0);

  // A's notification is untouched by all of that.
  auto still = json_of(a.call(verb::get, "/api/notifications/" + mine));
  EXPECT_FALSE(still.at("read").as_bool());
  EXPECT_EQ(json_of(a.call(verb::get, "/api/notifications/unread-count")).at("count").as_int64(), 1);
}

TEST_F(NotificationsE2E, PagesStayStableWhileAnotherClientInserts) {
  Server server(notifications_env());
  User a(server.port, "pages");
  std::set<std::string> before;
  for (int i = 0; i < 25; ++i) before.insert(a.create("n" + std::to_string(i)));
  ASSERT_EQ(before.size(), 25u);

  User writer(server.port, "unused");  // a second connection of the same user inserts meanwhile
  writer.b.jar = a.b.jar;
  std::vector<std::string> paged;
  std::string cursor;
  for (int page = 0; page < 10; ++page) {
    const auto target = "/api/notifications?limit=10" + (cursor.empty() ? "" : "&cursor=" + cursor);
    auto body = json_of(a.call(verb::get, target));
    for (const auto& n : body.at("notifications").as_array()) paged.push_back(str(n, "id"));
    writer.create("inserted during page " + std::to_string(page));
    if (body.at("nextCursor").is_null()) break;
    cursor = std::string(body.at("nextCursor").as_string());
  }
  // The first page was read before any insert; every later page continues strictly older.
  EXPECT_EQ(std::set<std::string>(paged.begin(), paged.end()).size(), paged.size()) << "no duplicates";
  EXPECT_EQ(std::set<std::string>(paged.begin(), paged.end()), before) << "exactly the 25 that existed";
}

// The Pub/Sub emulator frozen for 30 s while 200 notifications are created: every request is
// answered 201 at normal speed, and once it is back every event arrives.
TEST_F(NotificationsE2E, APubSubOutageDelaysEventsButLosesNoneAndNeverSlowsRequests) {
  const auto emulator_port = free_port();
  ChildProcess emulator(emulator_binary, {"--host=127.0.0.1", "--port=" + std::to_string(emulator_port)}, {});
  ASSERT_TRUE(eventually([&] { return !connection_refused(emulator_port); }, 90s)) << emulator.output();
  const auto project = unique_project("outage");
  TestSubscription sub{emulator_port, project, "e2e-outage"};
  // The server creates its topics at start (emulator); the test's subscription follows.
  Server server(notifications_env({{"PUBSUB_EMULATOR_HOST", "127.0.0.1:" + std::to_string(emulator_port)},
                                   {"PUBSUB_PROJECT_ID", project}}));
  ASSERT_TRUE(wait_ready(server));
  sub.create("notifications-created");

  User a(server.port, "outage");
  std::set<std::string> warmup{a.create("before the outage")};
  const auto warm = sub.collect(warmup, 30s);  // (also what earlier tests of the suite left in the outbox)
  EXPECT_TRUE(std::includes(warm.begin(), warm.end(), warmup.begin(), warmup.end()));

  ASSERT_TRUE(vibework::testkit::freeze_process(emulator.pid()));
  const auto frozen_at = std::chrono::steady_clock::now();
  std::set<std::string> created;
  std::chrono::milliseconds slowest{0};
  for (int i = 0; i < 200; ++i) {
    const auto start = std::chrono::steady_clock::now();
    const auto id = a.create("during the outage " + std::to_string(i));
    slowest = std::max(slowest, std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start));
    if (!id.empty()) created.insert(id);
  }
  EXPECT_EQ(created.size(), 200u);
  // Generous: a create takes milliseconds; waiting on Pub/Sub would take its 10 s request timeout.
  EXPECT_LT(slowest, 2s) << "a create waited for Pub/Sub";
  std::this_thread::sleep_until(frozen_at + 30s);  // the outage itself lasts 30 s (not a synchronisation)
  ::kill(emulator.pid(), SIGCONT);

  const auto seen = sub.collect(created, 180s);
  std::vector<std::string> missing;
  std::set_difference(created.begin(), created.end(), seen.begin(), seen.end(), std::back_inserter(missing));
  EXPECT_TRUE(missing.empty()) << missing.size() << " event(s) never arrived, e.g. " << (missing.empty() ? "" : missing[0]);
}

unsigned short shared_emulator_port() {
  const auto host = env_or("PUBSUB_EMULATOR_HOST", "localhost:8085");
  return static_cast<unsigned short>(std::stoi(host.substr(host.rfind(':') + 1)));
}

// user.* events ride in the MySQL transaction of the change (the event_outbox table) and reach
// the `events` topic: sign-up, a profile change, deletion.
TEST_F(NotificationsE2E, UserChangesPublishUserEventsToTheEventsTopic) {
  const auto project = unique_project("users");
  TestSubscription sub{shared_emulator_port(), project, "e2e-user-events"};
  Server server(notifications_env({{"PUBSUB_PROJECT_ID", project}, {"AUTH_DELETE_USER_ENABLED", "true"}}));
  ASSERT_TRUE(wait_ready(server));
  sub.create("events");
  User a(server.port, "events");
  ASSERT_EQ(a.call(verb::patch, "/api/users/me", R"({"name":"Renamed"})").status, 200u);
  auto deleted = a.b.post("/delete-user", boost::json::object{{"password", password}});
  ASSERT_EQ(deleted.status, 200u) << deleted.body;

  std::vector<std::string> kinds;
  ASSERT_TRUE(eventually(
      [&] {
        for (auto& m : sub.pull()) {
          const auto payload = boost::json::parse(m.data);
          EXPECT_EQ(str(payload, "userId"), a.id);
          EXPECT_EQ(m.attributes["eventType"], str(payload, "event"));
          EXPECT_FALSE(m.attributes["vibework-id"].empty());
          EXPECT_EQ(m.data.find("password"), std::string::npos);
          kinds.push_back(str(payload, "event"));
        }
        return kinds.size() >= 3;
      },
      60s, 200ms));
  std::sort(kinds.begin(), kinds.end());
  EXPECT_EQ(kinds, (std::vector<std::string>{"user.created", "user.deleted", "user.updated"}));
}

// SIGTERM while clients create: every request answered 201 is stored, and its event is published
// — by the last relay pass during shutdown, or by the next start.
TEST_F(NotificationsE2E, SigtermDuringACreateLoadLosesNoAcceptedRequestAndNoEvent) {
  const auto project = unique_project("sigterm");
  const auto emulator_port = shared_emulator_port();
  const Env pubsub_env{{"PUBSUB_PROJECT_ID", project}};
  TestSubscription sub{emulator_port, project, "e2e-sigterm"};
  std::set<std::string> accepted;
  std::string user_id;
  Jar jar;
  {
    Server server(notifications_env(pubsub_env));
    ASSERT_TRUE(wait_ready(server));
    sub.create("notifications-created");
    User a(server.port, "sigterm");
    user_id = a.id;
    jar = a.b.jar;
    std::mutex mutex;
    std::atomic<int> count{0};
    std::vector<std::thread> loaders;
    for (int t = 0; t < 4; ++t) {
      loaders.emplace_back([&, t] {
        try {
          User same{server.port, "loader"};  // throwaway sign-up; then act as user a
          same.b.jar = jar;
          for (int i = 0;; ++i) {
            auto r = same.call(verb::post, "/api/notifications",
                               R"({"type":"info","title":"load )" + std::to_string(t) + "-" + std::to_string(i) + R"(","message":"m"})");
            if (r.status == 201) {
              std::lock_guard lock(mutex);
              accepted.insert(str(json_of(r), "id"));
              ++count;
            } else if (r.status != 503) {
              ADD_FAILURE() << "unexpected " << r.status << ": " << r.body;
              return;
            }
          }
        } catch (const std::exception&) {
          // The server closed: the load ends.
        }
      });
    }
    ASSERT_TRUE(eventually([&] { return count.load() >= 150; }, 60s));
    server.process->signal(SIGTERM);
    for (auto& l : loaders) l.join();
    EXPECT_EQ(server.process->wait_for_exit(60s), 0) << server.process->output();
  }
  ASSERT_GE(accepted.size(), 150u);

  // Whatever the shutdown left in the outbox goes out at the next start.
  Server again(notifications_env(pubsub_env));
  Browser reader(again.port);
  reader.jar = jar;
  std::set<std::string> stored;
  std::string cursor;
  for (;;) {
    auto r = reader.client.send(verb::get, "/api/notifications?limit=100" + (cursor.empty() ? "" : "&cursor=" + cursor),
                                {{"Cookie", jar.header()}});
    ASSERT_EQ(r.status, 200u) << r.body;
    const auto body = json_of(r);
    for (const auto& n : body.at("notifications").as_array()) stored.insert(str(n, "id"));
    if (body.at("nextCursor").is_null()) break;
    cursor = std::string(body.at("nextCursor").as_string());
  }
  EXPECT_TRUE(std::includes(stored.begin(), stored.end(), accepted.begin(), accepted.end())) << "an accepted create was lost";
  const auto seen = sub.collect(accepted, 120s);
  EXPECT_TRUE(std::includes(seen.begin(), seen.end(), accepted.begin(), accepted.end())) << "an event was lost";
}

}  // namespace
