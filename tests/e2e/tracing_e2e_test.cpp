// W3C trace context on the binary (issue 14, trace context): a request's traceparent reaches
// its access log line and its traceresponse header; the events it writes carry it to Pub/Sub
// (the message's traceparent attribute, published later by the outbox relay); and `vibework
// worker` logs its delivery of that message under the same trace id. Text and JSON logs.
#include <random>

#include "auth_harness.hpp"
#include "test_subscription.hpp"

using namespace vibework::e2e;
using namespace vibework::e2e::auth_harness;
using namespace std::chrono_literals;

namespace {

std::string random_hex(std::size_t digits) {
  std::random_device r;
  std::string out;
  while (out.size() < digits) out += "0123456789abcdef"[r() % 16];
  return out;
}

struct Traceparent {
  std::string trace_id = random_hex(32);
  std::string parent_id = random_hex(16);
  std::string header() const { return "00-" + trace_id + "-" + parent_id + "-01"; }
};

// The parts of a traceparent / traceresponse value (empty when it is not 55 characters).
struct Parsed {
  std::string trace_id, span_id, flags;
};
Parsed parse(const std::string& value) {
  if (value.size() != 55) return {};
  return {value.substr(3, 32), value.substr(36, 16), value.substr(53)};
}

unsigned short emulator_port() {
  const auto host = env_or("PUBSUB_EMULATOR_HOST", "localhost:8085");
  return static_cast<unsigned short>(std::stoi(host.substr(host.rfind(':') + 1)));
}

std::string unique_project() { return "e2e-trace-" + pid_text() + "-" + random_hex(6); }

// Whether a line of the process's output contains all of `parts` (polled up to `limit`; the
// service's stdout is flushed at least every second).
bool logged_line(const ChildProcess& p, const std::vector<std::string>& parts, std::chrono::milliseconds limit = 30s) {
  return eventually(
      [&] {
        std::istringstream lines(p.output());
        for (std::string line; std::getline(lines, line);) {
          if (std::all_of(parts.begin(), parts.end(), [&](const auto& part) { return line.find(part) != std::string::npos; })) {
            return true;
          }
        }
        return false;
      },
      limit, 100ms);
}

class TracingE2E : public AuthE2E {
 protected:
  static std::string mongo_database() { return "vibework_tracing_e2e_" + pid_text(); }
  static Env tracing_env(Env extra = {}) {
    extra.emplace("MONGODB_URI", "mongodb://127.0.0.1:27017/" + mongo_database());
    extra.emplace("LOG_LEVEL", "info");
    return env(std::move(extra));
  }

  // Keys the worker wrote in the shared Redis.
  void TearDown() override {
    if (redis_keys.empty()) return;
    std::vector<std::string> args{"-u", env_or("REDIS_URL", "redis://127.0.0.1:6379"), "DEL"};
    args.insert(args.end(), redis_keys.begin(), redis_keys.end());
    ChildProcess("/usr/bin/redis-cli", args, {}).wait_for_exit(10s);
  }
  std::vector<std::string> redis_keys;
};

// The test of issue 14: sign-up and a notification, each with a traceparent of the client's.
TEST_F(TracingE2E, ARequestsTraceReachesItsAccessLogItsPublishedEventAndTheWorker) {
  const auto project = unique_project();
  const Env pubsub{{"PUBSUB_PROJECT_ID", project}};
  Server server(tracing_env(pubsub));
  ASSERT_TRUE(wait_ready(server));
  TestSubscription notifications{emulator_port(), project, "e2e-trace-notifications"};
  TestSubscription events{emulator_port(), project, "e2e-trace-events"};
  notifications.create("notifications-created");
  events.create("events");
  ChildProcess worker(vibework_binary(), {"worker"}, tracing_env(pubsub));
  ASSERT_TRUE(eventually([&] { return worker.output().find("vibework worker running") != std::string::npos; }, 60s))
      << worker.output();

  // Sign-up: its user.created event rides in the MySQL outbox with the request's trace.
  const Traceparent signup_trace;
  Browser b(server.port);
  auto up = b.post("/sign-up/email",
                   boost::json::object{{"name", "Traced"}, {"email", unique_email("trace")}, {"password", password}},
                   {{"traceparent", signup_trace.header()}});
  ASSERT_EQ(up.status, 200u) << up.body;
  const auto user_id = str(json_of(up).at("user"), "id");
  EXPECT_EQ(parse(header(up, "traceresponse")).trace_id, signup_trace.trace_id);

  // The notification: its event rides in the MongoDB document with the request's trace.
  const Traceparent create_trace;
  auto created = b.client.send(verb::post, "/api/notifications",
                               {{"Cookie", b.jar.header()},
                                {"Origin", trusted_origin},
                                {"Content-Type", "application/json"},
                                {"traceparent", create_trace.header()},
                                {"X-Request-Id", "trace-e2e-create"}},
                               R"({"type":"info","title":"Traced","message":"m"})");
  ASSERT_EQ(created.status, 201u) << created.body;
  const auto notification_id = str(json_of(created), "id");
  redis_keys = {"notifications:unread:" + user_id, "notifications:delivered:notification.created:" + notification_id};

  // The response names the server's span of the client's trace (W3C traceresponse).
  const auto response_trace = parse(header(created, "traceresponse"));
  EXPECT_EQ(response_trace.trace_id, create_trace.trace_id) << header(created, "traceresponse");
  EXPECT_NE(response_trace.span_id, create_trace.parent_id) << "the server's own span id";
  EXPECT_EQ(response_trace.flags, "01") << "the sampled flag is passed on";
  EXPECT_EQ(header(created, "X-Request-Id"), "trace-e2e-create") << "X-Request-Id stays";

  // The access log line of exactly that request carries the trace id (and the request id).
  EXPECT_TRUE(logged_line(*server.process,
                          {"POST /api/notifications 201", "id=trace-e2e-create", "trace=" + create_trace.trace_id}))
      << server.process->output();
  EXPECT_TRUE(logged_line(*server.process, {"POST /api/auth/sign-up/email 200", "trace=" + signup_trace.trace_id}))
      << server.process->output();

  // The relay published the event later, outside the request, with the request's traceparent:
  // same trace, and the server's span as the parent.
  std::string notification_traceparent;
  ASSERT_TRUE(eventually(
      [&] {
        for (auto& m : notifications.pull()) {
          if (str(boost::json::parse(m.data), "notificationId") == notification_id) {
            notification_traceparent = m.attributes["traceparent"];
          }
        }
        return !notification_traceparent.empty();
      },
      60s, 200ms))
      << "no notification.created with a traceparent for " << notification_id;
  const auto published = parse(notification_traceparent);
  EXPECT_EQ(published.trace_id, create_trace.trace_id) << notification_traceparent;
  EXPECT_EQ(published.span_id, response_trace.span_id) << "the parent is the request's span";
  EXPECT_EQ(published.flags, "01");

  std::string user_created_traceparent;
  ASSERT_TRUE(eventually(
      [&] {
        for (auto& m : events.pull()) {
          if (m.attributes["eventType"] == "user.created" && str(boost::json::parse(m.data), "userId") == user_id) {
            user_created_traceparent = m.attributes["traceparent"];
          }
        }
        return !user_created_traceparent.empty();
      },
      60s, 200ms))
      << "no user.created with a traceparent for " << user_id;
  EXPECT_EQ(parse(user_created_traceparent).trace_id, signup_trace.trace_id) << user_created_traceparent;

  // The worker continues each trace on its lines for that message.
  EXPECT_TRUE(logged_line(worker, {"worker: delivered notification.created " + notification_id + " to user " + user_id,
                                   "trace=" + create_trace.trace_id},
                          60s))
      << worker.output();
  EXPECT_TRUE(logged_line(worker, {"worker: user.created event", "for user " + user_id, "trace=" + signup_trace.trace_id},
                          60s))
      << worker.output();

  worker.signal(SIGTERM);
  EXPECT_EQ(worker.wait_for_exit(30s), 0) << worker.output();
}

// A mail is sent later, by the sender, outside the request: its line continues the request's trace.
TEST_F(TracingE2E, AMailIsSentUnderTheTraceOfTheRequestThatAskedForIt) {
  Server server(tracing_env());
  const auto email = unique_email("trace-mail");
  Browser b(server.port);
  ASSERT_EQ(b.sign_up(email).status, 200u);
  const Traceparent reset_trace;
  auto asked = b.post("/request-password-reset", boost::json::object{{"email", email}, {"redirectTo", "/new-password"}},
                      {{"traceparent", reset_trace.header()}});
  ASSERT_EQ(asked.status, 200u) << asked.body;
  EXPECT_TRUE(logged_line(*server.process, {"mail: sent outbox row", "trace=" + reset_trace.trace_id}, 60s))
      << server.process->output();
}

// Without a usable traceparent the server starts a trace of its own; JSON logs name it trace_id.
TEST_F(TracingE2E, JsonLogsCarryTraceIdsAndBadHeadersStartNewTraces) {
  Server server(tracing_env({{"LOG_FORMAT", "json"}}));
  TestClient client(server.port);
  const Traceparent good;
  auto traced = client.send(verb::get, "/health/live", {{"traceparent", good.header()}, {"X-Request-Id", "json-traced"}});
  ASSERT_EQ(traced.status, 200u);
  EXPECT_EQ(parse(header(traced, "traceresponse")).trace_id, good.trace_id);

  auto uppercase = client.send(verb::get, "/health/live",
                               {{"traceparent", "00-" + std::string(32, 'A') + "-" + good.parent_id + "-01"},
                                {"X-Request-Id", "json-invalid"}});
  const auto fresh = parse(header(uppercase, "traceresponse"));
  EXPECT_EQ(fresh.trace_id.size(), 32u) << header(uppercase, "traceresponse");
  EXPECT_NE(fresh.trace_id, good.trace_id);
  EXPECT_NE(fresh.trace_id, std::string(32, 'a'));
  EXPECT_EQ(fresh.flags, "00") << "a trace the server starts is not sampled";

  auto none = client.send(verb::get, "/health/live", {{"X-Request-Id", "json-none"}});
  const auto started = parse(header(none, "traceresponse"));
  EXPECT_NE(started.trace_id, fresh.trace_id) << "each request its own trace";

  // Each access log line (JSON) names the trace of its request.
  const std::map<std::string, std::string> expected{
      {"json-traced", good.trace_id}, {"json-invalid", fresh.trace_id}, {"json-none", started.trace_id}};
  std::map<std::string, std::string> seen;
  ASSERT_TRUE(eventually(
      [&] {
        std::istringstream lines(server.process->output());
        for (std::string line; std::getline(lines, line);) {
          boost::system::error_code ec;
          const auto v = boost::json::parse(line, ec);
          if (ec || !v.is_object() || !v.as_object().contains("requestId")) continue;
          const auto id = str(v, "requestId");
          if (expected.contains(id)) {
            seen[id] = str(v, "trace_id");
            EXPECT_EQ(str(v, "span_id").size(), 16u) << line;
          }
        }
        return seen.size() == expected.size();
      },
      30s, 100ms))
      << server.process->output();
  EXPECT_EQ(seen, expected);
}

}  // namespace
