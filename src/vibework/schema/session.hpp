#pragma once
// The `session` table (Better-Auth 1.7, Drizzle/MySQL).
#include <optional>
#include <string>

#include <boost/describe/class.hpp>

#include "vibework/mysql/query/column.hpp"

namespace vibework::schema {

using mysql::TimePoint;

struct Session {
  std::string id;
  TimePoint expires_at;
  std::string token;
  TimePoint created_at;
  TimePoint updated_at;
  std::optional<std::string> ip_address;
  std::optional<std::string> user_agent;
  std::string user_id;
};
BOOST_DESCRIBE_STRUCT(Session, (), (id, expires_at, token, created_at, updated_at, ip_address, user_agent, user_id))

struct SessionTable : mysql::Table<Session> {
  mysql::Column<&Session::id> id{this, mysql::Compare::exact};
  mysql::Column<&Session::expires_at> expires_at{this};
  mysql::Column<&Session::token> token{this, mysql::Compare::exact};
  mysql::Column<&Session::created_at> created_at{this};
  mysql::Column<&Session::updated_at> updated_at{this};
  mysql::Column<&Session::ip_address> ip_address{this};
  mysql::Column<&Session::user_agent> user_agent{this};
  mysql::Column<&Session::user_id> user_id{this, mysql::Compare::exact};

  explicit SessionTable(const mysql::TableNaming& naming = {}) : Table("session", naming) {}
};

}  // namespace vibework::schema
