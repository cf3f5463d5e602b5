#pragma once
// Tables and columns for the typed query layer.
//
// The row struct is described with BOOST_DESCRIBE_STRUCT; its members are the columns (in
// order) and drive the mapping both ways. A table gives each member a typed column object.
// Declare both at once with VIBEWORK_MYSQL_TABLE (declare_table.hpp):
//
//   VIBEWORK_MYSQL_TABLE(User, UserTable, "user",
//       (std::string, id, exact),
//       (std::string, email, exact),
//       (std::optional<std::string>, image))
//
// A table is always built from a TableNaming (no default constructor), so a table that ignores
// the configured MYSQL_COLUMN_NAMING cannot be made by accident; schema::AuthSchema builds the
// auth tables from the mysql::Config. Hand-written tables (Column<&Row::m> m{this}) still work.
//
// Physical names are configurable (TableNaming): snake_case member names by default, camelCase
// for databases made by Kysely/Prisma, plus per-column overrides and another table name.
#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <boost/describe/members.hpp>
#include <boost/mp11/algorithm.hpp>

#include "vibework/mysql/query/codec.hpp"
#include "vibework/infra/describe/names.hpp"
#include "vibework/infra/describe/traits.hpp"

namespace vibework::mysql {

enum class ColumnNaming { snake_case, camel_case };

struct TableNaming {
  std::string table;                              // empty = the table's default name
  ColumnNaming columns = ColumnNaming::snake_case;
  std::map<std::string, std::string> overrides;   // member name -> column name
};

// `name` -> "`name`" (backticks doubled inside).
std::string quote_identifier(std::string_view name);

template <typename Row>
class Table {
 public:
  using row_type = Row;
  static_assert(infra::describe::member_count<Row> > 0, "describe the row struct with BOOST_DESCRIBE_STRUCT");

  Table(std::string default_name, const TableNaming& naming)
      : name_(naming.table.empty() ? std::move(default_name) : naming.table) {
    boost::mp11::mp_for_each<infra::describe::public_members<Row>>([&](auto d) {
      std::string member = d.name;
      std::string column = naming.columns == ColumnNaming::camel_case ? infra::describe::to_camel_case(member) : member;
      if (auto o = naming.overrides.find(member); o != naming.overrides.end()) column = o->second;
      columns_.push_back(std::move(column));
    });
    quoted_name_ = quote_identifier(name_);
    for (std::size_t i = 0; i < columns_.size(); ++i) {
      quoted_columns_.push_back(quote_identifier(columns_[i]));
      if (i) select_list_ += ", ";
      select_list_ += quoted_columns_.back();
    }
  }
  Table(const Table&) = delete;  // columns point at their table
  Table& operator=(const Table&) = delete;

  // (Named so that they cannot clash with column members such as `name`.)
  const std::string& table_name() const noexcept { return name_; }
  const std::string& quoted_table_name() const noexcept { return quoted_name_; }
  const std::vector<std::string>& column_names() const noexcept { return columns_; }
  const std::string& column_name(std::size_t i) const { return columns_.at(i); }
  const std::string& quoted_column(std::size_t i) const { return quoted_columns_.at(i); }
  // "`id`, `name`, ..." in member order.
  const std::string& select_list() const noexcept { return select_list_; }

 private:
  std::string name_;
  std::string quoted_name_;
  std::vector<std::string> columns_;
  std::vector<std::string> quoted_columns_;
  std::string select_list_;
};

// Writes every member of `row` as parameters, in column order.
template <typename Row>
void append_row_values(const Row& row, std::vector<Value>& out) {
  boost::mp11::mp_for_each<infra::describe::public_members<Row>>([&](auto d) {
    using T = std::remove_cvref_t<decltype(row.*d.pointer)>;
    out.push_back(codec::to_value<T>(row.*d.pointer));
  });
}

// Takes one row out of a result whose columns are the table's columns in member order (text
// cells are moved, not copied).
template <typename Row>
Row take_row(const Table<Row>& table, ResultSet& rs, std::size_t row) {
  Row out{};
  std::size_t i = 0;
  const std::size_t base = row * rs.columns.size();
  boost::mp11::mp_for_each<infra::describe::public_members<Row>>([&](auto d) {
    using T = std::remove_cvref_t<decltype(out.*d.pointer)>;
    out.*d.pointer = codec::take_value<T>(rs.cells[base + i], table.column_name(i));
    ++i;
  });
  return out;
}

// Maps a result by column name (for raw queries that select the table's columns in any order).
template <typename Row>
std::vector<Row> read_rows_by_name(const Table<Row>& table, const ResultSet& rs) {
  std::vector<std::size_t> at;
  for (const auto& c : table.column_names()) at.push_back(rs.column_index(c));
  std::vector<Row> out;
  out.reserve(rs.row_count());
  for (std::size_t r = 0; r < rs.row_count(); ++r) {
    Row row{};
    std::size_t i = 0;
    boost::mp11::mp_for_each<infra::describe::public_members<Row>>([&](auto d) {
      using T = std::remove_cvref_t<decltype(row.*d.pointer)>;
      row.*d.pointer = codec::from_value<T>(rs.cell(r, at[i]), table.column_name(i));
      ++i;
    });
    out.push_back(std::move(row));
  }
  return out;
}

}  // namespace vibework::mysql
