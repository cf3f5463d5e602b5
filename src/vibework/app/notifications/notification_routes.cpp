#include "vibework/app/notifications/notification_routes.hpp"

#include <charconv>

#include <boost/describe/enum_from_string.hpp>
#include <boost/describe/enum_to_string.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "vibework/auth/endpoint.hpp"
#include "vibework/auth/request_body.hpp"
#include "vibework/http/http_error.hpp"
#include "vibework/http/response.hpp"
#include "vibework/infra/json.hpp"

namespace vibework::app::notifications {

namespace {
constexpr std::size_t max_title = 200;
constexpr std::size_t max_message = 2000;
constexpr std::size_t max_data_bytes = 4096;  // serialized JSON
constexpr std::size_t max_limit = 100;

[[noreturn]] void not_found() { throw http::HttpError(http::Status::not_found, "NOT_FOUND", "Notification not found"); }

[[noreturn]] void bad_query(std::string_view name, std::string_view message) {
  throw http::HttpError(http::Status::bad_request, "VALIDATION_ERROR",
                        "[query." + std::string(name) + "] " + std::string(message));
}

void check_text(auth::BodyFields& fields, std::string_view key, const std::string& value, std::size_t max) {
  const auto length = auth::utf16_length(value);
  if (length == 0 || length > max) fields.issue(key, "must be 1 to " + std::to_string(max) + " characters");
}

http::Response ok_json(http::Status status, const boost::json::value& body) { return http::json_response(status, body); }
}  // namespace

boost::json::value notification_json(const NotificationDocument& doc) {
  boost::json::object out{{"id", doc.id.to_string()},
                          {"userId", doc.user_id},
                          {"type", boost::describe::enum_to_string(doc.type, "info")},
                          {"title", doc.title},
                          {"message", doc.message}};
  if (doc.data) out["data"] = *doc.data;
  out["read"] = doc.read;
  out["readAt"] = doc.read_at ? boost::json::value(infra::format_iso8601(*doc.read_at)) : boost::json::value(nullptr);
  out["createdAt"] = infra::format_iso8601(doc.created_at);
  out["updatedAt"] = infra::format_iso8601(doc.updated_at);
  return out;
}

NewNotification parse_new_notification(const boost::json::object& body) {
  auth::BodyFields fields(body);
  for (const auto& [key, value] : body) {
    if (key != "type" && key != "title" && key != "message" && key != "data") {
      fields.issue(key, "Unrecognized key: not one of type, title, message, data");
    }
  }
  NewNotification n;
  const auto type = fields.required_string("type");
  if (body.contains("type") && body.at("type").is_string() &&
      !boost::describe::enum_from_string(type.c_str(), n.type)) {
    fields.issue("type", "must be one of info, success, warning, error, system");
  }
  n.title = fields.required_string("title");
  if (body.contains("title") && body.at("title").is_string()) check_text(fields, "title", n.title, max_title);
  n.message = fields.required_string("message");
  if (body.contains("message") && body.at("message").is_string()) check_text(fields, "message", n.message, max_message);
  if (const auto* data = body.if_contains("data")) {
    if (!data->is_object()) {
      fields.issue("data", "must be an object");
    } else if (boost::json::serialize(*data).size() > max_data_bytes) {
      fields.issue("data", "must be at most 4096 bytes of JSON");
    } else {
      n.data = data->as_object();
    }
  }
  fields.finish();
  return n;
}

ListQuery parse_list_query(const http::Request& req) {
  ListQuery q;
  const auto unread = auth::query_value(req, "unread");
  if (unread == "true") q.unread_only = true;
  else if (!unread.empty() && unread != "false") bad_query("unread", "must be true or false");
  if (const auto limit = auth::query_value(req, "limit"); !limit.empty()) {
    std::size_t n = 0;
    const auto [end, ec] = std::from_chars(limit.data(), limit.data() + limit.size(), n);
    if (ec != std::errc() || end != limit.data() + limit.size() || n < 1 || n > max_limit) {
      bad_query("limit", "must be an integer from 1 to 100");
    }
    q.limit = n;
  }
  if (const auto cursor = auth::query_value(req, "cursor"); !cursor.empty()) {
    q.after = Cursor::decode(cursor);
    if (!q.after) bad_query("cursor", "is not a cursor this API returned");
  }
  return q;
}

void register_notification_routes(http::Router& router, auth::Auth& auth, NotificationService& notifications) {
  auto create = [&notifications](http::Request& req, const auth::SignedIn& who) -> awaitable<http::Response> {
    auto n = parse_new_notification(auth::read_body(req, auth::required_body));
    auto created = co_await notifications.create(who.user.id, std::move(n));
    co_return ok_json(http::Status::created, notification_json(created));
  };
  router.post("/api/notifications", auth.require_session(std::move(create)));

  auto list = [&notifications](http::Request& req, const auth::SignedIn& who) -> awaitable<http::Response> {
    auto query = parse_list_query(req);
    auto page = co_await notifications.list(who.user.id, std::move(query));
    boost::json::array items;
    items.reserve(page.notifications.size());
    for (const auto& n : page.notifications) items.push_back(notification_json(n));
    boost::json::object body{{"notifications", std::move(items)}};
    body["nextCursor"] = page.next ? boost::json::value(page.next->encode()) : boost::json::value(nullptr);
    co_return ok_json(http::Status::ok, body);
  };
  router.get("/api/notifications", auth.require_session(std::move(list)));

  auto unread_count = [&notifications](http::Request&, const auth::SignedIn& who) -> awaitable<http::Response> {
    const auto count = co_await notifications.unread_count(who.user.id);
    co_return ok_json(http::Status::ok, boost::json::object{{"count", count}});
  };
  router.get("/api/notifications/unread-count", auth.require_session(std::move(unread_count)));

  auto read_all = [&notifications](http::Request&, const auth::SignedIn& who) -> awaitable<http::Response> {
    const auto updated = co_await notifications.mark_all_read(who.user.id);
    co_return ok_json(http::Status::ok, boost::json::object{{"updated", updated}});
  };
  router.post("/api/notifications/read-all", auth.require_session(std::move(read_all)));

  auto get_one = [&notifications](http::Request& req, const auth::SignedIn& who) -> awaitable<http::Response> {
    auto found = co_await notifications.get(who.user.id, req.params.get("id"));
    if (!found) not_found();
    co_return ok_json(http::Status::ok, notification_json(*found));
  };
  router.get("/api/notifications/:id", auth.require_session(std::move(get_one)));

  auto mark_read = [&notifications](http::Request& req, const auth::SignedIn& who) -> awaitable<http::Response> {
    auto changed = co_await notifications.mark_read(who.user.id, req.params.get("id"));
    if (!changed) not_found();
    co_return ok_json(http::Status::ok, notification_json(*changed));
  };
  router.patch("/api/notifications/:id/read", auth.require_session(std::move(mark_read)));

  auto remove = [&notifications](http::Request& req, const auth::SignedIn& who) -> awaitable<http::Response> {
    const bool removed = co_await notifications.remove(who.user.id, req.params.get("id"));
    if (!removed) not_found();
    http::Response res{http::Status::no_content, 11};
    co_return res;
  };
  router.del("/api/notifications/:id", auth.require_session(std::move(remove)));
}

}  // namespace vibework::app::notifications
