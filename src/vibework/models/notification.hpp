#pragma once
// Notification: a message for one user, stored in MongoDB's "notifications" collection.
// Wire form (what Mongoose stored): {_id, userId, type: "email"|"push"|"in_app", title,
// message, read, data?, createdAt, updatedAt}.
#include <optional>
#include <string>
#include <vector>

#include <boost/describe/enum.hpp>
#include <boost/json/value.hpp>

#include "vibework/mongodb/declare_document.hpp"
#include "vibework/mongodb/model.hpp"

namespace vibework::models {

enum class NotificationType { email, push, in_app };
BOOST_DESCRIBE_ENUM(NotificationType, email, push, in_app)

VIBEWORK_MONGODB_DOCUMENT(NotificationDocument,
    (mongodb::ObjectId, id),                         // _id; create() fills it in
    (std::string, user_id),                          // userId
    (NotificationType, type, NotificationType::in_app),
    (std::string, title),
    (std::string, message),
    (bool, read),
    (std::optional<boost::json::value>, data),       // free-form; absent when not set
    (mongodb::TimePoint, created_at),                // createdAt, set by create()
    (mongodb::TimePoint, updated_at))                // updatedAt, set by create() and every update

// Notification::user_id, Notification::read ...: the fields, inherited from the document's.
struct Notification : mongodb::Model<Notification, NotificationDocument> {
  using Model::Model;

  static constexpr std::string_view collection_name = "notifications";
  static constexpr bool timestamps = true;

  // {userId: 1, read: 1, createdAt: -1}: a user's unread notifications, newest first.
  static std::vector<mongodb::IndexSpec> indexes();
};

}  // namespace vibework::models
