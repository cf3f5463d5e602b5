#pragma once
// Notification: a message for one user, stored in MongoDB's "notifications" collection.
// Wire form (what Mongoose stored): {_id, userId, type: "email"|"push"|"in_app", title,
// message, read, data?, createdAt, updatedAt}.
#include <optional>
#include <string>
#include <vector>

#include <boost/describe/class.hpp>
#include <boost/describe/enum.hpp>
#include <boost/json/value.hpp>

#include "vibework/mongodb/model.hpp"

namespace vibework::models {


enum class NotificationType { email, push, in_app };
BOOST_DESCRIBE_ENUM(NotificationType, email, push, in_app)

struct NotificationDocument {
  mongodb::ObjectId id{};                   // _id; create() fills it in
  std::string user_id{};                    // userId
  NotificationType type = NotificationType::in_app;
  std::string title{};
  std::string message{};
  bool read = false;
  std::optional<boost::json::value> data{};  // free-form; absent when not set
  mongodb::TimePoint created_at{};          // createdAt, set by create()
  mongodb::TimePoint updated_at{};          // updatedAt, set by create() and every update
};
BOOST_DESCRIBE_STRUCT(NotificationDocument, (),
                      (id, user_id, type, title, message, read, data, created_at, updated_at))

struct Notification : mongodb::Model<Notification, NotificationDocument> {
  using Model::Model;

  static constexpr std::string_view collection_name = "notifications";
  static constexpr bool timestamps = true;

  static constexpr mongodb::Field<&NotificationDocument::id> id{};
  static constexpr mongodb::Field<&NotificationDocument::user_id> user_id{};
  static constexpr mongodb::Field<&NotificationDocument::type> type{};
  static constexpr mongodb::Field<&NotificationDocument::title> title{};
  static constexpr mongodb::Field<&NotificationDocument::message> message{};
  static constexpr mongodb::Field<&NotificationDocument::read> read{};
  static constexpr mongodb::Field<&NotificationDocument::data> data{};
  static constexpr mongodb::Field<&NotificationDocument::created_at> created_at{};
  static constexpr mongodb::Field<&NotificationDocument::updated_at> updated_at{};

  // {userId: 1, read: 1, createdAt: -1}: a user's unread notifications, newest first.
  static std::vector<mongodb::IndexSpec> indexes();
};

}  // namespace vibework::models
