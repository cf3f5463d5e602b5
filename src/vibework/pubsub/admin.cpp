#include "vibework/pubsub/admin.hpp"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <fmt/format.h>

#include "vibework/infra/errors.hpp"
#include "vibework/pubsub/rest_client.hpp"

namespace vibework::pubsub {

namespace json = boost::json;

namespace {

std::string duration_text(std::chrono::seconds s) { return std::to_string(s.count()) + "s"; }

// Google writes durations as "600s" or "3.5s".
std::chrono::seconds parse_duration(const json::value* v) {
  if (!v || !v->is_string()) return std::chrono::seconds(0);
  const std::string text(v->as_string());
  try {
    return std::chrono::seconds(static_cast<long>(std::stod(text)));
  } catch (const std::exception&) {
    throw infra::ProtocolError("pubsub", fmt::format("cannot read the duration '{}'", text));
  }
}

std::string string_at(const json::object& o, const char* key) {
  const auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

json::object to_json(const RestClient& client, const std::string& topic_path, const SubscriptionOptions& o) {
  json::object body;
  body["topic"] = topic_path;
  body["ackDeadlineSeconds"] = o.ack_deadline.count();
  if (o.retry_policy) {
    body["retryPolicy"] = json::object{{"minimumBackoff", duration_text(o.retry_policy->minimum_backoff)},
                                       {"maximumBackoff", duration_text(o.retry_policy->maximum_backoff)}};
  }
  if (o.dead_letter_policy) {
    body["deadLetterPolicy"] =
        json::object{{"deadLetterTopic", client.topic_path(o.dead_letter_policy->dead_letter_topic)},
                     {"maxDeliveryAttempts", o.dead_letter_policy->max_delivery_attempts}};
  }
  if (!o.filter.empty()) body["filter"] = o.filter;
  if (o.message_retention) body["messageRetentionDuration"] = duration_text(*o.message_retention);
  return body;
}

SubscriptionInfo from_json(const json::value& v) {
  if (!v.is_object()) throw infra::ProtocolError("pubsub", "a subscription answer is not a JSON object");
  const auto& o = v.as_object();
  SubscriptionInfo info;
  info.name = string_at(o, "name");
  info.topic = string_at(o, "topic");
  if (const auto* d = o.if_contains("ackDeadlineSeconds"); d && d->is_number()) {
    info.options.ack_deadline = std::chrono::seconds(d->to_number<long>());
  }
  info.options.retry_policy.reset();
  if (const auto* r = o.if_contains("retryPolicy"); r && r->is_object()) {
    info.options.retry_policy = RetryPolicy{parse_duration(r->as_object().if_contains("minimumBackoff")),
                                            parse_duration(r->as_object().if_contains("maximumBackoff"))};
  }
  if (const auto* d = o.if_contains("deadLetterPolicy"); d && d->is_object()) {
    DeadLetterPolicy p;
    p.dead_letter_topic = string_at(d->as_object(), "deadLetterTopic");
    if (const auto* m = d->as_object().if_contains("maxDeliveryAttempts"); m && m->is_number()) {
      p.max_delivery_attempts = m->to_number<int>();
    }
    info.options.dead_letter_policy = p;
  }
  info.options.filter = string_at(o, "filter");
  if (const auto* r = o.if_contains("messageRetentionDuration")) info.options.message_retention = parse_duration(r);
  return info;
}

void validate_name(std::string_view kind, std::string_view name) {
  // Google: 3..255 characters, starts with a letter, [A-Za-z0-9-_.~+%] after that.
  std::string_view last = name.substr(name.rfind('/') == std::string_view::npos ? 0 : name.rfind('/') + 1);
  bool ok = last.size() >= 3 && last.size() <= 255 && std::isalpha(static_cast<unsigned char>(last[0])) &&
            !last.starts_with("goog");
  for (char c : last) {
    ok = ok && (std::isalnum(static_cast<unsigned char>(c)) || std::string_view("-_.~+%").find(c) != std::string_view::npos);
  }
  if (!ok) {
    throw infra::InvalidArgumentError(
        "pubsub", fmt::format("'{}' is not a valid {} name", name, kind),
        "use 3-255 characters, starting with a letter: letters, digits and - _ . ~ + %, not starting with goog");
  }
}

}  // namespace

std::string subscription_create_body(const RestClient& client, const std::string& topic, const SubscriptionOptions& options) {
  return json::serialize(to_json(client, client.topic_path(topic), options));
}

awaitable<void> ensure_topic(RestClient& client, std::string name) {
  validate_name("topic", name);
  const auto path = client.topic_path(name);
  try {
    co_await client.call("PUT", path, "");
  } catch (const infra::ConflictError&) {
    // Already there: that is what we want.
  }
  client.remember_topic(path);
}

awaitable<SubscriptionInfo> ensure_subscription(RestClient& client, std::string name, std::string topic,
                                                SubscriptionOptions options) {
  validate_name("subscription", name);
  validate_name("topic", topic);
  const auto path = client.subscription_path(name);
  const auto topic_path = client.topic_path(topic);
  auto body = to_json(client, topic_path, options);
  const std::string create_body = json::serialize(body);
  std::optional<SubscriptionInfo> created;
  try {
    created = from_json(co_await client.call("PUT", path, create_body));
  } catch (const infra::ConflictError&) {
  }
  if (!created) {
    auto existing = from_json(co_await client.call("GET", path, ""));
    if (existing.topic != topic_path) {
      throw infra::ConflictError("pubsub",
                                 fmt::format("subscription {} exists for topic {}, not {}", path, existing.topic, topic_path),
                                 "delete it (gcloud pubsub subscriptions delete) or choose another name");
    }
    if (existing.options.filter != options.filter) {
      throw infra::ConflictError("pubsub",
                                 fmt::format("subscription {} exists with filter '{}', not '{}'", path,
                                             existing.options.filter, options.filter),
                                 "a filter cannot be changed: delete the subscription and run setup again");
    }
    // Bring the mutable settings to what the code asks for.
    json::object update = body;
    update.erase("topic");
    update.erase("filter");
    std::string mask = "ackDeadlineSeconds";
    mask += ",retryPolicy";
    mask += ",deadLetterPolicy";
    if (options.message_retention) mask += ",messageRetentionDuration";
    json::object patch{{"subscription", update}, {"updateMask", mask}};
    created = from_json(co_await client.call("PATCH", path, json::serialize(patch)));
  }
  client.remember_subscription(path, create_body);
  co_return *created;
}

awaitable<bool> topic_exists(RestClient& client, std::string name) {
  try {
    co_await client.call("GET", client.topic_path(name), "");
    co_return true;
  } catch (const infra::NotFoundError&) {
    co_return false;
  }
}

awaitable<std::optional<SubscriptionInfo>> get_subscription(RestClient& client, std::string name) {
  try {
    co_return from_json(co_await client.call("GET", client.subscription_path(name), ""));
  } catch (const infra::NotFoundError&) {
    co_return std::nullopt;
  }
}

awaitable<void> delete_topic(RestClient& client, std::string name) {
  try {
    co_await client.call("DELETE", client.topic_path(name), "");
  } catch (const infra::NotFoundError&) {
  }
}

awaitable<void> delete_subscription(RestClient& client, std::string name) {
  try {
    co_await client.call("DELETE", client.subscription_path(name), "");
  } catch (const infra::NotFoundError&) {
  }
}

}  // namespace vibework::pubsub
