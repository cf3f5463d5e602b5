#pragma once
// The `user` table, as Better-Auth 1.7's Drizzle adapter generates it for MySQL.
#include <optional>
#include <string>

#include <boost/describe/class.hpp>

#include "vibework/mysql/query/column.hpp"

namespace vibework::schema {

using mysql::TimePoint;

struct User {
  std::string id;
  std::string name;
  std::string email;  // stored lower-case; compared byte for byte
  bool email_verified = false;
  std::optional<std::string> image;
  TimePoint created_at;
  TimePoint updated_at;
};
BOOST_DESCRIBE_STRUCT(User, (), (id, name, email, email_verified, image, created_at, updated_at))

struct UserTable : mysql::Table<User> {
  mysql::Column<&User::id> id{this, mysql::Compare::exact};
  mysql::Column<&User::name> name{this};
  mysql::Column<&User::email> email{this, mysql::Compare::exact};
  mysql::Column<&User::email_verified> email_verified{this};
  mysql::Column<&User::image> image{this};
  mysql::Column<&User::created_at> created_at{this};
  mysql::Column<&User::updated_at> updated_at{this};

  explicit UserTable(const mysql::TableNaming& naming = {}) : Table("user", naming) {}
};

}  // namespace vibework::schema
