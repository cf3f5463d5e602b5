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
struct User {
  std::string id;
  std::string email;
  std::string password;  // a hash, never the password itself
  std::optional<std::string> name;
  mysql::TimePoint created_at;
};
BOOST_DESCRIBE_STRUCT(User, (), (id, email, password, name, created_at))

struct UserTable : mysql::Table<User> {
  mysql::Column<&User::id> id{this, mysql::Compare::exact};
  mysql::Column<&User::email> email{this, mysql::Compare::exact};
  mysql::Column<&User::password> password{this};
  mysql::Column<&User::name> name{this};
  mysql::Column<&User::created_at> created_at{this};

  explicit UserTable(const mysql::TableNaming& naming = {}) : Table("quickstart_user", naming) {}
};
// snippet-end

enum class NotificationType { email, push, in_app };
BOOST_DESCRIBE_ENUM(NotificationType, email, push, in_app)

struct NotificationDocument {
  mongodb::ObjectId id{};
  std::string user_id{};
  NotificationType type = NotificationType::in_app;
  std::string title{};
  std::string message{};
  bool read = false;
  mongodb::TimePoint created_at{};
  mongodb::TimePoint updated_at{};
};
BOOST_DESCRIBE_STRUCT(NotificationDocument, (), (id, user_id, type, title, message, read, created_at, updated_at))

struct Notification : mongodb::Model<Notification, NotificationDocument> {
  using Model::Model;
  static constexpr std::string_view collection_name = "notifications";
  static constexpr bool timestamps = true;
  static constexpr mongodb::Field<&NotificationDocument::user_id> user_id{};
  static constexpr mongodb::Field<&NotificationDocument::read> read{};
  static constexpr mongodb::Field<&NotificationDocument::created_at> created_at{};
  static std::vector<mongodb::IndexSpec> indexes() { return {{.keys = {user_id.asc(), read.asc(), created_at.desc()}}}; }
};

}  // namespace quickstart
