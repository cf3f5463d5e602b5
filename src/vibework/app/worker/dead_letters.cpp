#include "vibework/app/worker/dead_letters.hpp"

#include <algorithm>
#include <iostream>
#include <set>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <fmt/format.h>

#include "vibework/app/events/outbox_store.hpp"
#include "vibework/app/pubsub_resources.hpp"
#include "vibework/infra/errors.hpp"
#include "vibework/pubsub/credentials.hpp"
#include "vibework/pubsub/publisher.hpp"
#include "vibework/pubsub/rest_client.hpp"

namespace vibework::app::worker {

namespace json = boost::json;

namespace {
// The attributes the dead-letter policy adds (the emulator and Google alike).
constexpr std::string_view SOURCE_SUBSCRIPTION = "CloudPubSubDeadLetterSourceSubscription";
constexpr std::string_view SOURCE_PROJECT = "CloudPubSubDeadLetterSourceSubscriptionProject";
constexpr std::string_view DELIVERY_COUNT = "CloudPubSubDeadLetterSourceDeliveryCount";
constexpr std::string_view SERVER_PREFIX = "CloudPubSub";
constexpr std::size_t max_pull = 1'000;  // Google's maximum per pull and per ack request

std::string attribute(const std::map<std::string, std::string>& attributes, std::string_view key) {
  const auto it = attributes.find(std::string(key));
  return it == attributes.end() ? std::string() : it->second;
}

std::string string_at(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
}

std::vector<DeadLetter> parse_pull(const json::value& answer) {
  std::vector<DeadLetter> out;
  const auto* list = answer.is_object() ? answer.as_object().if_contains("receivedMessages") : nullptr;
  if (list == nullptr || !list->is_array()) return out;
  for (const auto& item : list->as_array()) {
    if (!item.is_object()) continue;
    DeadLetter d;
    d.ack_id = string_at(item.as_object(), "ackId");
    const auto* message = item.as_object().if_contains("message");
    if (d.ack_id.empty() || message == nullptr || !message->is_object()) continue;
    d.message_id = string_at(message->as_object(), "messageId");
    d.data_base64 = string_at(message->as_object(), "data");
    if (const auto* attrs = message->as_object().if_contains("attributes"); attrs != nullptr && attrs->is_object()) {
      for (const auto& [key, value] : attrs->as_object()) {
        if (value.is_string()) d.attributes.emplace(std::string(key), std::string(value.as_string()));
      }
    }
    out.push_back(std::move(d));
  }
  return out;
}

std::string ids_body(const std::vector<std::string>& ids, std::size_t from, std::size_t to, std::optional<int> deadline) {
  json::array list;
  for (std::size_t i = from; i < to; ++i) list.emplace_back(ids[i]);
  json::object body{{"ackIds", std::move(list)}};
  if (deadline) body["ackDeadlineSeconds"] = *deadline;
  return json::serialize(body);
}

awaitable<void> send_ids(pubsub::RestClient& client, const std::string& subscription, std::string verb,
                         std::vector<std::string> ids, std::optional<int> deadline) {
  for (std::size_t from = 0; from < ids.size(); from += max_pull) {
    const auto to = std::min(ids.size(), from + max_pull);
    co_await client.call("POST", subscription + ":" + verb, ids_body(ids, from, to, deadline));
  }
}

class Replayer {
 public:
  explicit Replayer(pubsub::RestClient& client) : client_(client) {}

  // The full path of the topic `letter` came from, or "" when nobody can tell.
  awaitable<std::string> source_topic(const DeadLetter& letter) {
    const auto name = letter.source_subscription();
    if (name.empty()) co_return std::string();
    const auto project = letter.source_project().empty() ? client_.config().project_id : letter.source_project();
    const auto path = name.starts_with("projects/") ? name : "projects/" + project + "/subscriptions/" + name;
    if (auto it = topics_.find(path); it != topics_.end()) co_return it->second;
    std::string topic;
    try {
      const auto info = co_await client_.call("GET", path, "");
      if (info.is_object()) topic = string_at(info.as_object(), "topic");
    } catch (const infra::NotFoundError&) {
      // Deleted since: our own subscriptions' topics are known.
      const auto short_name = std::string_view(name).substr(name.rfind('/') == std::string::npos ? 0 : name.rfind('/') + 1);
      const auto known = topic_of_subscription(short_name);
      if (!known.empty()) topic = "projects/" + project + "/topics/" + std::string(known);
    }
    topics_.emplace(path, topic);
    co_return topic;
  }

  // Publishes `letter` again to `topic`; the new message id.
  awaitable<std::string> publish(const DeadLetter& letter, const std::string& topic) {
    json::object attributes;
    for (const auto& [key, value] : letter.replay_attributes()) attributes[key] = value;
    json::object message{{"data", letter.data_base64}};
    if (!attributes.empty()) message["attributes"] = std::move(attributes);
    json::array messages;
    messages.push_back(std::move(message));
    const json::object body{{"messages", std::move(messages)}};
    const auto answer = co_await client_.call("POST", topic + ":publish", json::serialize(body));
    const auto* ids = answer.is_object() ? answer.as_object().if_contains("messageIds") : nullptr;
    if (ids == nullptr || !ids->is_array() || ids->as_array().empty() || !ids->as_array()[0].is_string()) {
      throw infra::ProtocolError("pubsub", "the publish answer has no message id: " + json::serialize(answer));
    }
    co_return std::string(ids->as_array()[0].as_string());
  }

 private:
  pubsub::RestClient& client_;
  std::map<std::string, std::string> topics_;
};

awaitable<int> dead_letters(pubsub::RestClient& client, DeadLetterOptions options, std::ostream& out, std::ostream& err) {
  const auto subscription = client.subscription_path(subscriptions::DEAD_LETTER_REVIEW);
  // One attempt first: an unreachable server is reported now, not after the retry budget.
  pubsub::CallOptions once;
  once.retry = false;
  try {
    co_await client.call("GET", subscription, "", once);
  } catch (const infra::NotFoundError&) {
    err << "pubsub dead-letters: " << subscription
        << " does not exist (run `vibework pubsub setup`; against the emulator `vibework serve` or `vibework worker` "
           "creates it at start)\n";
    co_return 1;
  }

  // Pull until the subscription is empty or we hold `max`; held messages are not redelivered
  // to us meanwhile (their ack deadline runs), so each appears once.
  std::vector<DeadLetter> letters;
  std::set<std::string> seen;
  std::vector<std::string> again;  // a message we already hold, delivered twice: given back
  while (letters.size() < options.max) {
    const auto room = std::min(options.max - letters.size(), max_pull);
    const auto body = fmt::format(R"({{"maxMessages":{},"returnImmediately":true}})", room);
    const auto answer = co_await client.call("POST", subscription + ":pull", body);
    auto pulled = parse_pull(answer);
    if (pulled.empty()) break;
    for (auto& letter : pulled) {
      if (!seen.insert(letter.message_id).second) {
        again.push_back(letter.ack_id);
        continue;
      }
      letters.push_back(std::move(letter));
    }
  }
  if (!again.empty()) co_await send_ids(client, subscription, "modifyAckDeadline", std::move(again), 0);

  if (letters.empty()) {
    out << "no dead letters on " << subscription << "\n";
    co_return 0;
  }
  out << letters.size() << " dead letter" << (letters.size() == 1 ? "" : "s") << " on " << subscription
      << (letters.size() == options.max ? " (the first --max; there may be more)" : "") << ":\n";
  for (const auto& letter : letters) out << "  " << letter.describe() << "\n";

  if (!options.replay) {
    std::vector<std::string> ack_ids;
    for (const auto& letter : letters) ack_ids.push_back(letter.ack_id);
    co_await send_ids(client, subscription, "modifyAckDeadline", std::move(ack_ids), 0);
    out << "left on " << subscriptions::DEAD_LETTER_REVIEW << "; --replay publishes them to their original topics\n";
    co_return 0;
  }

  Replayer replayer(client);
  std::vector<std::string> kept;  // not replayed: given back
  int failures = 0;
  for (const auto& letter : letters) {
    std::string problem;
    try {
      const auto topic = co_await replayer.source_topic(letter);
      if (topic.empty()) {
        problem = fmt::format("its source subscription '{}' is unknown", letter.source_subscription());
      } else {
        const auto id = co_await replayer.publish(letter, topic);
        // Acked only once published: a failure in between replays it twice, never zero times.
        std::vector<std::string> one{letter.ack_id};
        co_await send_ids(client, subscription, "acknowledge", std::move(one), std::nullopt);
        out << "  replayed " << letter.message_id << " to " << topic << " as message " << id << "\n";
        continue;
      }
    } catch (const std::exception& e) {
      problem = e.what();
    }
    ++failures;
    kept.push_back(letter.ack_id);
    err << "pubsub dead-letters: message " << letter.message_id << " not replayed: " << problem << " (left on "
        << subscriptions::DEAD_LETTER_REVIEW << ")\n";
  }
  if (!kept.empty()) co_await send_ids(client, subscription, "modifyAckDeadline", std::move(kept), 0);
  out << "replayed " << letters.size() - static_cast<std::size_t>(failures) << " of " << letters.size() << "\n";
  co_return failures == 0 ? 0 : 1;
}
}  // namespace

std::string DeadLetter::source_subscription() const { return attribute(attributes, SOURCE_SUBSCRIPTION); }
std::string DeadLetter::source_project() const { return attribute(attributes, SOURCE_PROJECT); }
std::string DeadLetter::delivery_count() const { return attribute(attributes, DELIVERY_COUNT); }

std::map<std::string, std::string> DeadLetter::replay_attributes() const {
  std::map<std::string, std::string> out;
  for (const auto& [key, value] : attributes) {
    if (!key.starts_with(SERVER_PREFIX)) out.emplace(key, value);
  }
  return out;
}

std::string DeadLetter::data_preview(std::size_t limit) const {
  const auto data = pubsub::base64_decode(data_base64).value_or(std::string());
  std::string out;
  for (std::size_t i = 0; i < data.size() && i < limit; ++i) {
    const auto c = static_cast<unsigned char>(data[i]);
    out += c >= 0x20 && c < 0x7f ? static_cast<char>(c) : '.';
  }
  if (data.size() > limit) out += "...";
  return out;
}

std::string DeadLetter::describe() const {
  auto or_dash = [](std::string s) { return s.empty() ? std::string("-") : s; };
  return fmt::format("message {}  vibework-id={}  eventType={}  from={}  deliveries={}  data={}", or_dash(message_id),
                     or_dash(attribute(attributes, pubsub::MESSAGE_ID_ATTRIBUTE)),
                     or_dash(attribute(attributes, events::EVENT_TYPE_ATTRIBUTE)),
                     or_dash(source_subscription()), or_dash(delivery_count()), data_preview());
}

int run_pubsub_dead_letters(const pubsub::Config& config, const DeadLetterOptions& options, std::ostream& out,
                            std::ostream& err) {
  asio::io_context io(1);
  try {
    pubsub::RestClient client(config);
    auto future = asio::co_spawn(io, dead_letters(client, options, out, err), asio::use_future);
    io.run();
    return future.get();
  } catch (const std::exception& e) {
    err << "pubsub dead-letters failed: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace vibework::app::worker
