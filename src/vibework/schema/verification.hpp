#pragma once
// The `verification` table (Better-Auth 1.7, Drizzle/MySQL): email-verification and
// password-reset tokens.
#include <string>

#include <boost/describe/class.hpp>

#include "vibework/mysql/query/column.hpp"

namespace vibework::schema {

using mysql::TimePoint;

struct Verification {
  std::string id;
  std::string identifier;
  std::string value;
  TimePoint expires_at;
  TimePoint created_at;
  TimePoint updated_at;
};
BOOST_DESCRIBE_STRUCT(Verification, (), (id, identifier, value, expires_at, created_at, updated_at))

struct VerificationTable : mysql::Table<Verification> {
  mysql::Column<&Verification::id> id{this, mysql::Compare::exact};
  mysql::Column<&Verification::identifier> identifier{this, mysql::Compare::exact};
  mysql::Column<&Verification::value> value{this, mysql::Compare::exact};
  mysql::Column<&Verification::expires_at> expires_at{this};
  mysql::Column<&Verification::created_at> created_at{this};
  mysql::Column<&Verification::updated_at> updated_at{this};

  explicit VerificationTable(const mysql::TableNaming& naming = {}) : Table("verification", naming) {}
};

}  // namespace vibework::schema
