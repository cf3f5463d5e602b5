#pragma once
// Query builders: select / insert / update / remove, Drizzle-shaped.
//
//   auto user  = co_await db.select(users).where(users.email == email).first();   // optional<User>
//   auto page  = co_await db.select(users).order_by(users.created_at.desc()).limit(20).offset(40).all();
//   auto n     = co_await db.select(users).where(users.email_verified == true).count();
//   co_await db.insert(users).values(user).execute();                             // or a vector of rows
//   auto changed = co_await db.update(users).set(users.name = "John").where(users.id == id).execute();
//   co_await db.remove(users).where(users.id == id).execute();
//
// The SQL is built when the query runs (first/all/count/execute) and the values travel as
// bound parameters. Builders may be stored and run later; they hold a reference to the
// database (or transaction) and the table, which must outlive them.
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "vibework/infra/asio.hpp"
#include "vibework/mysql/query/column.hpp"

namespace vibework::mysql {

class QueryRunner;

// A C++ value as a raw-query parameter: text, bool, integers, floating point, TimePoint,
// boost::json::value, std::optional of those, std::nullopt / Value as is.
template <typename V>
Value to_param(const V& v) {
  using U = std::remove_cvref_t<V>;
  if constexpr (std::same_as<U, Value>) {
    return v;
  } else if constexpr (std::same_as<U, std::nullopt_t>) {
    return std::monostate{};
  } else if constexpr (infra::describe::is_optional_v<U>) {
    return v ? to_param(*v) : Value(std::monostate{});
  } else if constexpr (std::is_convertible_v<const U&, std::string_view>) {
    return std::string(std::string_view(v));
  } else if constexpr (std::same_as<U, bool>) {
    return static_cast<std::int64_t>(v);
  } else if constexpr (std::integral<U>) {
    return codec::to_value<U>(v);
  } else if constexpr (std::floating_point<U>) {
    return static_cast<double>(v);
  } else if constexpr (std::is_convertible_v<const U&, TimePoint>) {
    return codec::to_value<TimePoint>(v);
  } else {
    static_assert(std::same_as<U, boost::json::value>, "unsupported parameter type");
    return codec::json_to_text(v);
  }
}
// Defined in database.cpp: runs one prepared statement on the runner (pool or transaction).
awaitable<ResultSet> run_statement(QueryRunner& runner, std::string sql, std::vector<Value> params);

namespace detail {
template <typename Row>
awaitable<std::vector<Row>> fetch_all(QueryRunner& runner, const Table<Row>& table, std::string sql,
                                      std::vector<Value> params) {
  ResultSet rs = co_await run_statement(runner, std::move(sql), std::move(params));
  std::vector<Row> rows;
  rows.reserve(rs.row_count());
  for (std::size_t r = 0; r < rs.row_count(); ++r) rows.push_back(take_row(table, rs, r));
  co_return rows;
}

template <typename Row>
awaitable<std::optional<Row>> fetch_first(QueryRunner& runner, const Table<Row>& table, std::string sql,
                                          std::vector<Value> params) {
  ResultSet rs = co_await run_statement(runner, std::move(sql), std::move(params));
  if (rs.row_count() == 0) co_return std::nullopt;
  co_return take_row(table, rs, 0);
}

template <typename Row>
awaitable<std::vector<Row>> fetch_by_name(QueryRunner& runner, const Table<Row>& table, std::string sql,
                                          std::vector<Value> params) {
  const ResultSet rs = co_await run_statement(runner, std::move(sql), std::move(params));
  co_return read_rows_by_name(table, rs);
}

awaitable<std::uint64_t> fetch_count(QueryRunner& runner, std::string sql, std::vector<Value> params);
awaitable<std::uint64_t> affected(QueryRunner& runner, std::string sql, std::vector<Value> params);
}  // namespace detail

template <typename Row>
class Select {
 public:
  Select(QueryRunner& runner, const Table<Row>& table) : runner_(&runner), table_(&table) {}

  Select& where(Condition<Row> c) {
    where_ = std::move(c);
    return *this;
  }
  template <typename... O>
  Select& order_by(Ordering<Row> first, O... more) {
    order_ = first.sql;
    ((order_ += ", " + Ordering<Row>(more).sql), ...);
    return *this;
  }
  Select& limit(std::uint64_t n) {
    limit_ = n;
    return *this;
  }
  Select& offset(std::uint64_t n) {
    offset_ = n;
    return *this;
  }
  // Appends FOR UPDATE (inside a transaction).
  Select& for_update() {
    for_update_ = true;
    return *this;
  }

  awaitable<std::vector<Row>> all() const {
    auto [sql, params] = build(limit_);
    return detail::fetch_all<Row>(*runner_, *table_, std::move(sql), std::move(params));
  }
  awaitable<std::optional<Row>> first() const {
    auto [sql, params] = build(1);
    return detail::fetch_first<Row>(*runner_, *table_, std::move(sql), std::move(params));
  }
  awaitable<std::uint64_t> count() const {
    std::string sql = "SELECT COUNT(*) FROM " + table_->quoted_table_name();
    std::vector<Value> params;
    if (where_) {
      sql += " WHERE " + where_->sql;
      params = where_->params;
    }
    return detail::fetch_count(*runner_, std::move(sql), std::move(params));
  }

 private:
  std::pair<std::string, std::vector<Value>> build(std::optional<std::uint64_t> limit) const {
    const std::string& columns = table_->select_list();
    const std::string& name = table_->quoted_table_name();
    std::string sql;
    sql.reserve(40 + columns.size() + name.size() + (where_ ? where_->sql.size() : 0) + order_.size());
    sql.append("SELECT ").append(columns).append(" FROM ").append(name);
    std::vector<Value> params;
    params.reserve((where_ ? where_->params.size() : 0) + 2);
    if (where_) {
      sql.append(" WHERE ").append(where_->sql);
      params.insert(params.end(), where_->params.begin(), where_->params.end());
    }
    if (!order_.empty()) sql.append(" ORDER BY ").append(order_);
    if (limit == 1 && !offset_) {
      sql += " LIMIT 1";  // first(): a constant, one parameter less to send and convert
    } else if (limit || offset_) {
      sql += " LIMIT ?";
      params.emplace_back(limit.value_or(UINT64_C(18446744073709551615)));
      if (offset_) {
        sql += " OFFSET ?";
        params.emplace_back(*offset_);
      }
    }
    if (for_update_) sql += " FOR UPDATE";
    return {std::move(sql), std::move(params)};
  }

  QueryRunner* runner_;
  const Table<Row>* table_;
  std::optional<Condition<Row>> where_;
  std::string order_;
  std::optional<std::uint64_t> limit_;
  std::optional<std::uint64_t> offset_;
  bool for_update_ = false;
};

template <typename Row>
class Insert {
 public:
  Insert(QueryRunner& runner, const Table<Row>& table) : runner_(&runner), table_(&table) {}

  Insert& values(const Row& row) {
    append_row_values(row, params_);
    ++rows_;
    return *this;
  }
  Insert& values(const std::vector<Row>& rows) {
    for (const auto& r : rows) values(r);
    return *this;
  }
  // Returns the number of rows inserted.
  awaitable<std::uint64_t> execute() const {
    std::string sql = "INSERT INTO " + table_->quoted_table_name() + " (" + table_->select_list() + ") VALUES ";
    std::string one = "(";
    for (std::size_t i = 0; i < infra::describe::member_count<Row>; ++i) one += i ? ", ?" : "?";
    one += ")";
    for (std::size_t r = 0; r < rows_; ++r) {
      if (r) sql += ", ";
      sql += one;
    }
    if (rows_ == 0) return detail::affected(*runner_, {}, {});
    return detail::affected(*runner_, std::move(sql), params_);
  }

 private:
  QueryRunner* runner_;
  const Table<Row>* table_;
  std::vector<Value> params_;
  std::size_t rows_ = 0;
};

template <typename Row>
class Update {
 public:
  Update(QueryRunner& runner, const Table<Row>& table) : runner_(&runner), table_(&table) {}

  template <typename... A>
  Update& set(Assignment<Row> first, A... more) {
    add(std::move(first));
    (add(Assignment<Row>(std::move(more))), ...);
    return *this;
  }
  Update& where(Condition<Row> c) {
    where_ = std::move(c);
    return *this;
  }
  // Returns the number of rows matched (mysql2's affectedRows: CLIENT_FOUND_ROWS is on).
  awaitable<std::uint64_t> execute() const {
    std::string sql = "UPDATE " + table_->quoted_table_name() + " SET " + sets_;
    std::vector<Value> params = params_;
    if (where_) {
      sql += " WHERE " + where_->sql;
      params.insert(params.end(), where_->params.begin(), where_->params.end());
    }
    if (sets_.empty()) return detail::affected(*runner_, {}, {});
    return detail::affected(*runner_, std::move(sql), std::move(params));
  }

 private:
  void add(Assignment<Row> a) {
    if (!sets_.empty()) sets_ += ", ";
    sets_ += a.sql;
    params_.push_back(std::move(a.value));
  }

  QueryRunner* runner_;
  const Table<Row>* table_;
  std::string sets_;
  std::vector<Value> params_;
  std::optional<Condition<Row>> where_;
};

template <typename Row>
class Remove {
 public:
  Remove(QueryRunner& runner, const Table<Row>& table) : runner_(&runner), table_(&table) {}
  Remove& where(Condition<Row> c) {
    where_ = std::move(c);
    return *this;
  }
  // Returns the number of rows deleted.
  awaitable<std::uint64_t> execute() const {
    std::string sql = "DELETE FROM " + table_->quoted_table_name();
    std::vector<Value> params;
    if (where_) {
      sql += " WHERE " + where_->sql;
      params = where_->params;
    }
    return detail::affected(*runner_, std::move(sql), std::move(params));
  }

 private:
  QueryRunner* runner_;
  const Table<Row>* table_;
  std::optional<Condition<Row>> where_;
};

// Something queries run on: the Database (a pooled connection per statement) or a Transaction
// (one connection for all its statements).
class QueryRunner {
 public:
  virtual ~QueryRunner() = default;

  template <typename Row>
  Select<Row> select(const Table<Row>& table) {
    return Select<Row>(*this, table);
  }
  template <typename Row>
  Insert<Row> insert(const Table<Row>& table) {
    return Insert<Row>(*this, table);
  }
  template <typename Row>
  Update<Row> update(const Table<Row>& table) {
    return Update<Row>(*this, table);
  }
  template <typename Row>
  Remove<Row> remove(const Table<Row>& table) {
    return Remove<Row>(*this, table);
  }

  // The escape hatch: any statement, values bound to its `?` placeholders.
  //   co_await db.execute("UPDATE user SET name = ? WHERE id = ?", name, id);
  //   co_await db.execute(sql, std::vector<Value>{...});
  awaitable<ResultSet> execute(std::string sql, std::vector<Value> params = {}) {
    return run(std::move(sql), std::move(params));
  }
  template <typename... Args>
    requires(sizeof...(Args) > 0 && (!std::same_as<std::remove_cvref_t<Args>, std::vector<Value>> && ...))
  awaitable<ResultSet> execute(std::string sql, const Args&... args) {
    std::vector<Value> params;
    params.reserve(sizeof...(Args));
    (params.push_back(to_param(args)), ...);
    return run(std::move(sql), std::move(params));
  }
  // A raw query whose columns are a table's columns (any order), mapped to its rows.
  template <typename Row, typename... Args>
  awaitable<std::vector<Row>> query(const Table<Row>& table, std::string sql, const Args&... args) {
    std::vector<Value> params;
    (params.push_back(to_param(args)), ...);
    return detail::fetch_by_name<Row>(*this, table, std::move(sql), std::move(params));
  }

  virtual awaitable<ResultSet> run(std::string sql, std::vector<Value> params) = 0;
};

}  // namespace vibework::mysql
