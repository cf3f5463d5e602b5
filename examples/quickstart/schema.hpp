#pragma once
// The quickstart's own data: a MySQL table and a MongoDB model, each declared once from a
// described struct.
#include <optional>
#include <string>
#include <vector>

#include <boost/describe.hpp>

#include <vibework/vibework.hpp>

namespace quickstart {

namespace mysql = vibework::mysql;
namespace mongodb = vibework::mongodb;

// snippet:user-table
// One line per column: the row struct User, its description and the typed table UserTable.
VIBEWORK_MYSQL_TABLE(User, UserTable, "quickstart_user",
    (std::string, id, exact),
    (std::string, email, exact),
    (std::string, password),  // a hash, never the password itself
    (std::optional<std::string>, name),
    (mysql::TimePoint, created_at))
// snippet-end

enum class NotificationType { email, push, in_app };
BOOST_DESCRIBE_ENUM(NotificationType, email, push, in_app)

VIBEWORK_MONGODB_DOCUMENT(NotificationDocument,
    (mongodb::ObjectId, id),
    (std::string, user_id),
    (NotificationType, type, NotificationType::in_app),
    (std::string, title),
    (std::string, message),
    (bool, read),
    (mongodb::TimePoint, created_at),
    (mongodb::TimePoint, updated_at))

struct Notification : mongodb::Model<Notification, NotificationDocument> {
  using Model::Model;
  static constexpr std::string_view collection_name = "notifications";
  static constexpr bool timestamps = true;
  static std::vector<mongodb::IndexSpec> indexes() { return {{.keys = {user_id.asc(), read.asc(), created_at.desc()}}}; }
};

}  // namespace quickstart
