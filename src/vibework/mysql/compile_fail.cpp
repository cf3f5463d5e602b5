// Compile-time checks of the typed query layer (see CMakeLists.txt). Without a
// VIBEWORK_COMPILE_FAIL_* macro this file compiles; with one, it must not.
#include "vibework/schema/auth_schema.hpp"

using namespace vibework;

struct Widget {
  std::int64_t id = 0;
  std::string label;
  int hidden = 0;  // not described: not a column
};
BOOST_DESCRIBE_STRUCT(Widget, (), (id, label))

struct WidgetTable : mysql::Table<Widget> {
  mysql::Column<&Widget::id> id{this};
  mysql::Column<&Widget::label> label{this};
#ifdef VIBEWORK_COMPILE_FAIL_UNDESCRIBED_MEMBER
  mysql::Column<&Widget::hidden> hidden{this};
#endif
  WidgetTable() : Table("widget", {}) {}
};

void checks() {
  const mysql::TableNaming naming;
  schema::UserTable users(naming);
  schema::SessionTable sessions(naming);
  WidgetTable widgets;
  mysql::Condition<schema::User> ok = users.email == "a@b.test" && users.email_verified == true &&
                                      users.created_at < mysql::TimePoint{} && users.image.is_null() &&
                                      users.name.like("A%") && users.id.in({"a", "b"});
  mysql::Assignment<schema::User> set = (users.name = std::string("John"));
  mysql::Assignment<schema::User> clear = (users.image = std::nullopt);
  mysql::Ordering<schema::User> order = users.created_at.desc();
  mysql::Condition<Widget> w = widgets.id == 5 && widgets.label != "x";
  (void)ok, (void)set, (void)clear, (void)order, (void)w, (void)sessions;

#ifdef VIBEWORK_COMPILE_FAIL_INT_FOR_STRING
  auto bad = users.email == 42;
#endif
#ifdef VIBEWORK_COMPILE_FAIL_OTHER_TABLE
  mysql::Condition<schema::User> bad = sessions.token == "t";
#endif
#ifdef VIBEWORK_COMPILE_FAIL_TEXT_FOR_TIME
  auto bad = users.created_at < "2024-01-01";
#endif
#ifdef VIBEWORK_COMPILE_FAIL_INT_FOR_BOOL
  auto bad = users.email_verified == 1;
#endif
#ifdef VIBEWORK_COMPILE_FAIL_ASSIGN_WRONG_TYPE
  auto bad = (users.email_verified = "yes");
#endif
#ifdef VIBEWORK_COMPILE_FAIL_LIKE_ON_NUMBER
  auto bad = widgets.id.like("1%");
#endif
#ifdef VIBEWORK_COMPILE_FAIL_NULLOPT_FOR_REQUIRED
  auto bad = (users.name = std::nullopt);
#endif
#ifdef VIBEWORK_COMPILE_FAIL_ORDER_BY_OTHER_TABLE
  mysql::Ordering<schema::User> bad = sessions.expires_at.desc();
#endif
#ifdef VIBEWORK_COMPILE_FAIL_TABLE_WITHOUT_NAMING  // it would ignore MYSQL_COLUMN_NAMING
  schema::UserTable bad;
#endif
#if defined(VIBEWORK_COMPILE_FAIL_INT_FOR_STRING) || defined(VIBEWORK_COMPILE_FAIL_OTHER_TABLE) ||          \
    defined(VIBEWORK_COMPILE_FAIL_TEXT_FOR_TIME) || defined(VIBEWORK_COMPILE_FAIL_INT_FOR_BOOL) ||            \
    defined(VIBEWORK_COMPILE_FAIL_ASSIGN_WRONG_TYPE) || defined(VIBEWORK_COMPILE_FAIL_LIKE_ON_NUMBER) ||      \
    defined(VIBEWORK_COMPILE_FAIL_NULLOPT_FOR_REQUIRED) || defined(VIBEWORK_COMPILE_FAIL_ORDER_BY_OTHER_TABLE) ||  \
    defined(VIBEWORK_COMPILE_FAIL_TABLE_WITHOUT_NAMING)
  (void)bad;
#endif
}
