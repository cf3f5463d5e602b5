#pragma once
// One declaration per table: the row struct, its BOOST_DESCRIBE_STRUCT and the typed table with
// one column member per row member, from a single list. Adding a column is one line.
//
//   VIBEWORK_MYSQL_TABLE(User, UserTable, "user",
//       (std::string, id, exact),                 // (type, member [, Compare option])
//       (std::string, email, exact),
//       (bool, email_verified),
//       (std::optional<std::string>, image),
//       (mysql::TimePoint, created_at))
//
//   UserTable users(naming);                     // the naming is required: no UserTable{}
//   co_await db.select(users).where(users.email == email).first();   // -> std::optional<User>
//
// expands, at namespace scope, to
//
//   struct User { std::string id{}; std::string email{}; bool email_verified{}; ... };
//   BOOST_DESCRIBE_STRUCT(User, (), (id, email, email_verified, image, created_at))
//   struct UserTable : mysql::Table<User> {
//     mysql::Column<&User::id> id{this, mysql::Compare::exact};
//     mysql::Column<&User::email_verified> email_verified{this};  ...
//     explicit UserTable(const mysql::TableNaming& naming) : Table("user", naming) {}
//   };
//
// The option is an enumerator of mysql::Compare (`exact`: == / != / in() compare bytes).
// Members are value-initialised (false, 0, "", nullopt, the epoch).
#include "vibework/infra/describe/declare.hpp"
#include "vibework/mysql/query/column.hpp"

#define VIBEWORK_MYSQL_TABLE(Row, TableType, default_name, ...) \
  VIBEWORK_MYSQL_DETAIL_TABLE(Row, TableType, default_name, BOOST_PP_VARIADIC_TO_SEQ(__VA_ARGS__))

#define VIBEWORK_MYSQL_DETAIL_TABLE(Row, TableType, default_name, seq)                            \
  VIBEWORK_DETAIL_DESCRIBED_STRUCT(Row, VIBEWORK_DETAIL_MEMBER, seq)                              \
  struct TableType : ::vibework::mysql::Table<Row> {                                              \
    BOOST_PP_SEQ_FOR_EACH(VIBEWORK_MYSQL_DETAIL_COLUMN, Row, seq)                                 \
    explicit TableType(const ::vibework::mysql::TableNaming& naming) : Table(default_name, naming) {} \
  };

#define VIBEWORK_MYSQL_DETAIL_COLUMN(r, Row, m)                                          \
  ::vibework::mysql::Column<&Row::VIBEWORK_DETAIL_MEMBER_NAME(m)> VIBEWORK_DETAIL_MEMBER_NAME(m){ \
      this BOOST_PP_IIF(VIBEWORK_DETAIL_HAS_EXTRA(m), VIBEWORK_MYSQL_DETAIL_OPTION, VIBEWORK_DETAIL_NOTHING)(m)};
#define VIBEWORK_MYSQL_DETAIL_OPTION(m) , ::vibework::mysql::Compare::VIBEWORK_DETAIL_MEMBER_EXTRA(m)
