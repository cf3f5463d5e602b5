#include "vibework/app/worker/notification_created.hpp"

#include <boost/json/parse.hpp>
#include <fmt/format.h>

#include "vibework/app/events/outbox_store.hpp"
#include "vibework/pubsub/subscriber.hpp"

namespace vibework::app::worker {

namespace json = boost::json;

std::string event_id_of(const pubsub::Message& message) {
  const auto id = message.dedup_id();
  return id.empty() ? message.message_id : std::string(id);
}

namespace {
const json::string* string_field(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? &v->as_string() : nullptr;
}
}  // namespace

std::variant<NotificationCreated, Malformed> parse_notification_created(const pubsub::Message& message) {
  const auto attribute = message.attributes.find(events::EVENT_TYPE_ATTRIBUTE);
  if (attribute != message.attributes.end() && attribute->second != NOTIFICATION_CREATED) {
    return Malformed{fmt::format("eventType '{}' is not {}", attribute->second, NOTIFICATION_CREATED)};
  }
  boost::system::error_code ec;
  const auto value = json::parse(message.data, ec);
  if (ec) return Malformed{fmt::format("the data is not JSON ({})", ec.message())};
  if (!value.is_object()) return Malformed{"the data is not a JSON object"};
  const auto& o = value.as_object();

  const auto* event = string_field(o, "event");
  if (event == nullptr) return Malformed{"no \"event\" string in the data"};
  if (*event != NOTIFICATION_CREATED) {
    return Malformed{fmt::format("event '{}' is not {}", std::string_view(*event), NOTIFICATION_CREATED)};
  }

  NotificationCreated out;
  out.event_id = event_id_of(message);
  const auto* id = string_field(o, "notificationId");
  if (id == nullptr) return Malformed{"no \"notificationId\" string in the data"};
  auto parsed = mongodb::ObjectId::parse(*id);
  if (!parsed) return Malformed{fmt::format("notificationId '{}' is not an ObjectId", std::string_view(*id))};
  out.notification_id = *parsed;
  for (auto [key, target] : {std::pair{"userId", &out.user_id}, std::pair{"type", &out.type},
                             std::pair{"title", &out.title}, std::pair{"createdAt", &out.created_at}}) {
    const auto* field = string_field(o, key);
    if (field == nullptr) return Malformed{fmt::format("no \"{}\" string in the data", key)};
    *target = std::string(*field);
  }
  if (out.user_id.empty()) return Malformed{"\"userId\" is empty"};
  return out;
}

}  // namespace vibework::app::worker
