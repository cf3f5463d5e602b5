#pragma once
// Typed columns and the conditions, assignments and orderings built from them. Everything
// carries its row type, so a condition on another table's column does not compile in where(),
// and every comparison checks the value's type against the column's (CompatibleWith).
// Values never enter the SQL text: each becomes a `?` and a bound parameter.
#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

#include "vibework/mysql/query/table.hpp"

namespace vibework::mysql {

template <typename Row>
struct Condition {
  std::string sql;
  std::vector<Value> params;
};

template <typename Row>
struct Assignment {
  std::string sql;  // "`name` = ?"
  Value value;
};

template <typename Row>
struct Ordering {
  std::string sql;  // "`created_at` DESC"
};

// How == / != / in() compare text. `exact` compares bytes even when the column's collation is
// case- or accent-insensitive (a database made by another tool), while still using its index:
// `col` = ? AND `col` = CAST(? AS BINARY). Use it for emails, tokens and ids.
enum class Compare { collation, exact };

template <auto Member>
class Column {
 public:
  using row_type = typename infra::describe::member_traits<decltype(Member)>::owner;
  using value_type = typename infra::describe::member_traits<decltype(Member)>::value;
  static constexpr std::size_t index = infra::describe::member_index<row_type, Member>();
  static_assert(index != infra::describe::no_member,
                "this member is not listed in the row's BOOST_DESCRIBE_STRUCT");
  static_assert(SqlColumnType<value_type>, "unsupported column type");

  explicit Column(const Table<row_type>* table, Compare compare = Compare::collation)
      : table_(table), exact_(compare == Compare::exact && std::same_as<column_value_t<value_type>, std::string>) {}

  const std::string& name() const { return table_->column_name(index); }
  const std::string& quoted() const { return table_->quoted_column(index); }

  template <typename V>
    requires CompatibleWith<value_type, V>
  Condition<row_type> operator==(const V& v) const {
    if (exact_) return exact_equal(v);
    return compare("=", v);
  }
  template <typename V>
    requires CompatibleWith<value_type, V>
  Condition<row_type> operator!=(const V& v) const {
    if (exact_) return !exact_equal(v);
    return compare("<>", v);
  }
  template <typename V>
    requires CompatibleWith<value_type, V>
  Condition<row_type> operator<(const V& v) const { return compare("<", v); }
  template <typename V>
    requires CompatibleWith<value_type, V>
  Condition<row_type> operator<=(const V& v) const { return compare("<=", v); }
  template <typename V>
    requires CompatibleWith<value_type, V>
  Condition<row_type> operator>(const V& v) const { return compare(">", v); }
  template <typename V>
    requires CompatibleWith<value_type, V>
  Condition<row_type> operator>=(const V& v) const { return compare(">=", v); }

  // Column against column of the same table and type.
  template <auto Other>
    requires std::same_as<typename Column<Other>::row_type, row_type> &&
             std::same_as<column_value_t<typename Column<Other>::value_type>, column_value_t<value_type>>
  Condition<row_type> operator==(const Column<Other>& other) const {
    return {quoted() + " = " + other.quoted(), {}};
  }

  template <typename V>
    requires std::same_as<column_value_t<value_type>, std::string> && CompatibleWith<value_type, V>
  Condition<row_type> like(const V& pattern) const { return compare("LIKE", pattern); }

  template <typename V>
    requires CompatibleWith<value_type, V>
  Condition<row_type> in(const std::vector<V>& values) const {
    if (values.empty()) return {"FALSE", {}};
    Condition<row_type> c{quoted() + " IN (", {}};
    for (std::size_t i = 0; i < values.size(); ++i) {
      c.sql += i ? ", ?" : "?";
      c.params.push_back(codec::to_value<value_type>(values[i]));
    }
    c.sql += ")";
    if (exact_) {  // the same list again, compared as bytes
      c.sql = "(" + c.sql + " AND CAST(" + quoted() + " AS BINARY) IN (";
      const std::size_t n = c.params.size();
      for (std::size_t i = 0; i < n; ++i) {
        c.sql += i ? ", ?" : "?";
        c.params.push_back(c.params[i]);
      }
      c.sql += "))";
    }
    return c;
  }
  template <typename V>
    requires CompatibleWith<value_type, V>
  Condition<row_type> in(std::initializer_list<V> values) const {
    return in(std::vector<V>(values));
  }

  Condition<row_type> is_null() const { return {quoted() + " IS NULL", {}}; }
  Condition<row_type> is_not_null() const { return {quoted() + " IS NOT NULL", {}}; }

  // users.name = "John" inside update().set(...). Optional columns also take std::nullopt.
  template <typename V>
    requires CompatibleWith<value_type, V>
  Assignment<row_type> operator=(const V& v) const {
    return {quoted() + " = ?", codec::to_value<value_type>(v)};
  }
  Assignment<row_type> operator=(std::nullopt_t) const
    requires infra::describe::is_optional_v<value_type>
  {
    return {quoted() + " = ?", std::monostate{}};
  }
  // An optional column from a value of its own type: NULL or the value.
  Assignment<row_type> operator=(const value_type& v) const
    requires infra::describe::is_optional_v<value_type>
  {
    if (!v) return *this = std::nullopt;
    return *this = *v;
  }

  Ordering<row_type> asc() const { return {quoted() + " ASC"}; }
  Ordering<row_type> desc() const { return {quoted() + " DESC"}; }
  operator Ordering<row_type>() const { return asc(); }  // NOLINT: order_by(users.name)

 private:
  template <typename V>
  Condition<row_type> compare(const char* op, const V& v) const {
    Condition<row_type> c{quoted() + " " + op + " ?", {}};
    c.params.push_back(codec::to_value<value_type>(v));
    return c;
  }

  template <typename V>
  Condition<row_type> exact_equal(const V& v) const {
    Condition<row_type> c{"(" + quoted() + " = ? AND " + quoted() + " = CAST(? AS BINARY))", {}};
    c.params.push_back(codec::to_value<value_type>(v));
    c.params.push_back(c.params.front());
    return c;
  }

  const Table<row_type>* table_;
  bool exact_ = false;
};

template <typename Row>
Condition<Row> operator&&(Condition<Row> a, Condition<Row> b) {
  a.sql = "(" + a.sql + " AND " + b.sql + ")";
  for (auto& p : b.params) a.params.push_back(std::move(p));
  return a;
}
template <typename Row>
Condition<Row> operator||(Condition<Row> a, Condition<Row> b) {
  a.sql = "(" + a.sql + " OR " + b.sql + ")";
  for (auto& p : b.params) a.params.push_back(std::move(p));
  return a;
}
template <typename Row>
Condition<Row> operator!(Condition<Row> a) {
  a.sql = "(NOT " + a.sql + ")";
  return a;
}
// Named forms, for code that reads better with words: and_(a, b, c), or_(a, b), not_(a).
template <typename Row, typename... More>
Condition<Row> and_(Condition<Row> first, More... more) {
  ((first = std::move(first) && std::move(more)), ...);
  return first;
}
template <typename Row, typename... More>
Condition<Row> or_(Condition<Row> first, More... more) {
  ((first = std::move(first) || std::move(more)), ...);
  return first;
}
template <typename Row>
Condition<Row> not_(Condition<Row> c) {
  return !std::move(c);
}

}  // namespace vibework::mysql
