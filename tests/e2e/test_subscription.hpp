#pragma once
// A test subscriber on the Pub/Sub emulator's REST API: what the service published, as a test
// sees it (notifications_e2e_test, tracing_e2e_test). Include after auth_harness.hpp.
#include <map>
#include <set>
#include <string>
#include <vector>

namespace vibework::e2e {

using namespace auth_harness;

std::string base64_decode(std::string_view in) {
  static const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  int bits = 0;
  unsigned value = 0;
  for (char c : in) {
    const auto pos = alphabet.find(c);
    if (pos == std::string::npos) continue;  // '=' padding
    value = (value << 6) | static_cast<unsigned>(pos);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((value >> bits) & 0xff));
    }
  }
  return out;
}

// A test subscriber on the emulator's REST API: what the relay published, as the test sees it.
struct TestSubscription {
  unsigned short port;
  std::string project;
  std::string name;

  void create(const std::string& topic) {
    TestClient c(port);
    const std::string body = R"({"topic":"projects/)" + project + "/topics/" + topic + R"(","ackDeadlineSeconds":60})";
    auto r = c.request(verb::put, "/v1/projects/" + project + "/subscriptions/" + name, body);
    ASSERT_EQ(r.status, 200u) << r.body;
  }

  struct Received {
    std::string data;
    std::map<std::string, std::string> attributes;
  };

  // Pulls (and acks) what is there now.
  std::vector<Received> pull() {
    TestClient c(port);
    auto r = c.request(verb::post, "/v1/projects/" + project + "/subscriptions/" + name + ":pull",
                       R"({"maxMessages":500,"returnImmediately":true})");
    if (r.status != 200) return {};
    const auto body = boost::json::parse(r.body);
    std::vector<Received> out;
    boost::json::array ack_ids;
    if (const auto* messages = body.as_object().if_contains("receivedMessages")) {
      for (const auto& m : messages->as_array()) {
        ack_ids.push_back(m.at("ackId"));
        const auto& msg = m.at("message").as_object();
        Received got;
        if (const auto* d = msg.if_contains("data")) got.data = base64_decode(d->as_string());
        if (const auto* a = msg.if_contains("attributes")) {
          for (const auto& [k, v] : a->as_object()) got.attributes[k] = std::string(v.as_string());
        }
        out.push_back(std::move(got));
      }
    }
    if (!ack_ids.empty()) {
      (void)c.request(verb::post, "/v1/projects/" + project + "/subscriptions/" + name + ":acknowledge",
                      boost::json::serialize(boost::json::object{{"ackIds", ack_ids}}));
    }
    return out;
  }

  // The notification ids of every notification.created event received until `expected` are all
  // there or `limit` passes; checks the attributes of each.
  std::set<std::string> collect(const std::set<std::string>& expected, std::chrono::seconds limit) {
    std::set<std::string> seen;
    (void)eventually(
        [&] {
          for (auto& m : pull()) {
            const auto payload = boost::json::parse(m.data);
            const auto id = str(payload, "notificationId");
            EXPECT_EQ(str(payload, "event"), "notification.created");
            EXPECT_EQ(m.attributes["eventType"], "notification.created");
            EXPECT_EQ(m.attributes["vibework-id"], "notification.created:" + id) << "a stable id per event";
            seen.insert(id);
          }
          return std::includes(seen.begin(), seen.end(), expected.begin(), expected.end());
        },
        limit, 200ms);
    return seen;
  }
};

}  // namespace vibework::e2e
