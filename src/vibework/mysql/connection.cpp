#include "vibework/mysql/connection.hpp"

#include <poll.h>
#include <sys/socket.h>

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/redirect_error.hpp>
#include <fmt/format.h>
#include <mysql.h>

#include "vibework/infra/async/deadline_sweep.hpp"
#include "vibework/infra/errors.hpp"
#include "vibework/mysql/errors.hpp"

namespace vibework::mysql {

using infra::TimeoutError;
using infra::UnavailableError;

namespace {

constexpr std::size_t kStatementCacheLimit = 256;
constexpr unsigned long kInitialStringBuffer = 256;

// Result cell storage with stable addresses (MYSQL_BIND points into it).
struct OutCell {
  std::int64_t integer = 0;
  double real = 0;
  MYSQL_TIME time{};
  std::vector<char> text = std::vector<char>(kInitialStringBuffer);
  unsigned long length = 0;
  my_bool null = 0;
  my_bool error = 0;
};

enum class CellKind { integer, real, time, text };

CellKind kind_of(enum_field_types type) {
  switch (type) {
    case MYSQL_TYPE_TINY:
    case MYSQL_TYPE_SHORT:
    case MYSQL_TYPE_LONG:
    case MYSQL_TYPE_INT24:
    case MYSQL_TYPE_LONGLONG:
    case MYSQL_TYPE_YEAR:
      return CellKind::integer;
    case MYSQL_TYPE_FLOAT:
    case MYSQL_TYPE_DOUBLE:
      return CellKind::real;
    case MYSQL_TYPE_DATE:
    case MYSQL_TYPE_DATETIME:
    case MYSQL_TYPE_TIMESTAMP:
      return CellKind::time;
    default:
      return CellKind::text;  // VARCHAR, TEXT, BLOB, JSON, DECIMAL, TIME, BIT, ENUM ...
  }
}

MYSQL_TIME to_mysql_time(TimePoint t) {
  using namespace std::chrono;
  const auto day = floor<days>(t);
  const year_month_day ymd{day};
  const hh_mm_ss hms{floor<microseconds>(t - day)};
  MYSQL_TIME out{};
  out.year = static_cast<unsigned>(static_cast<int>(ymd.year()));
  out.month = static_cast<unsigned>(ymd.month());
  out.day = static_cast<unsigned>(ymd.day());
  out.hour = static_cast<unsigned>(hms.hours().count());
  out.minute = static_cast<unsigned>(hms.minutes().count());
  out.second = static_cast<unsigned>(hms.seconds().count());
  out.second_part = static_cast<unsigned long>(hms.subseconds().count());
  out.time_type = MYSQL_TIMESTAMP_DATETIME;
  return out;
}

Value from_mysql_time(const MYSQL_TIME& t) {
  using namespace std::chrono;
  if (t.year == 0 && t.month == 0 && t.day == 0) return std::monostate{};  // zero date
  const year_month_day ymd{year{static_cast<int>(t.year)}, month{t.month}, day{t.day}};
  if (!ymd.ok()) return std::monostate{};
  return TimePoint{sys_days{ymd} + hours{t.hour} + minutes{t.minute} + seconds{t.second} +
                   microseconds{t.second_part}};
}

// The connections whose sockets are registered with one io_context. When that io_context is
// destroyed, its services shut down newest first; this one is created after the socket's
// reactor, so it runs while the reactor still exists and unregisters every socket still bound
// there (a pool may outlive an io_context: tests, tools). Shared, so a connection can always
// lock it, even after the io_context is gone.
struct Bindings {
  std::mutex mutex;
  bool alive = true;
  std::unordered_set<Connection::Impl*> bound;
};

// One wait for the server, scheduled with its io_context's DeadlineSweep while it lasts: the
// deadline cancels the socket wait, and `fired` tells finish() why the wait ended.
struct PendingWait final : infra::DeadlineSweep::Entry {
  asio::cancellation_signal signal;
  bool fired = false;
  void on_deadline() override {
    fired = true;
    signal.emit(asio::cancellation_type::all);
  }
};

class ContextWatch : public asio::execution_context::service {
 public:
  using key_type = ContextWatch;
  static inline asio::execution_context::id id;
  explicit ContextWatch(asio::execution_context& ctx) : service(ctx) {}
  void shutdown() override;
  std::shared_ptr<Bindings> bindings = std::make_shared<Bindings>();
};

}  // namespace

bool is_connection_error(unsigned int e) noexcept {
  switch (e) {
    case 2002:  // CR_CONNECTION_ERROR
    case 2003:  // CR_CONN_HOST_ERROR
    case 2006:  // CR_SERVER_GONE_ERROR
    case 2013:  // CR_SERVER_LOST
    case 2055:  // CR_SERVER_LOST_EXTENDED
    case 1927:  // ER_CONNECTION_KILLED
    case 1053:  // ER_SERVER_SHUTDOWN
    case 4031:  // ER_CLIENT_INTERACTION_TIMEOUT (MySQL 8)
      return true;
    default:
      return false;
  }
}

// One parameter's value, where the statement's binding points.
struct ParamSlot {
  std::int64_t integer = 0;
  double real = 0;
  MYSQL_TIME time{};
  std::string text;
  unsigned long length = 0;
};

struct Statement {
  MYSQL_STMT* handle = nullptr;
  unsigned long param_count = 0;
  std::vector<std::string> columns;
  std::vector<CellKind> kinds;
  std::vector<bool> is_unsigned;
  std::vector<OutCell> cells;
  std::vector<MYSQL_BIND> binds;
  // Parameters live at stable addresses and stay bound between executions: rebinding makes
  // the library resend the parameter types and the server set up their conversion again.
  std::vector<ParamSlot> param_slots;
  std::vector<MYSQL_BIND> param_binds;
  bool params_bound = false;

  // Copies the values into the parameter slots; rebinds only when a type or a buffer moved.
  bool bind_params(const std::vector<Value>& params) {
    if (param_slots.size() != params.size()) {
      param_slots = std::vector<ParamSlot>(params.size());
      param_binds.assign(params.size(), MYSQL_BIND{});
      params_bound = false;
    }
    bool rebind = !params_bound;
    for (std::size_t i = 0; i < params.size(); ++i) {
      ParamSlot& slot = param_slots[i];
      enum_field_types type = MYSQL_TYPE_NULL;
      void* buffer = nullptr;
      bool is_unsigned = false;
      std::visit(
          [&](const auto& v) {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, std::monostate>) {
              type = MYSQL_TYPE_NULL;
            } else if constexpr (std::is_same_v<T, std::int64_t> || std::is_same_v<T, std::uint64_t>) {
              slot.integer = static_cast<std::int64_t>(v);
              type = MYSQL_TYPE_LONGLONG;
              buffer = &slot.integer;
              is_unsigned = std::is_same_v<T, std::uint64_t>;
            } else if constexpr (std::is_same_v<T, double>) {
              slot.real = v;
              type = MYSQL_TYPE_DOUBLE;
              buffer = &slot.real;
            } else if constexpr (std::is_same_v<T, std::string>) {
              slot.text.assign(v);
              slot.length = static_cast<unsigned long>(v.size());
              type = MYSQL_TYPE_STRING;
              buffer = slot.text.data();
            } else {
              slot.time = to_mysql_time(v);
              type = MYSQL_TYPE_DATETIME;
              buffer = &slot.time;
            }
          },
          params[i]);
      MYSQL_BIND& b = param_binds[i];
      if (b.buffer_type != type || b.buffer != buffer || static_cast<bool>(b.is_unsigned) != is_unsigned) {
        b = MYSQL_BIND{};
        b.buffer_type = type;
        b.buffer = buffer;
        b.is_unsigned = is_unsigned;
        if (type == MYSQL_TYPE_STRING) b.length = &slot.length;
        rebind = true;
      }
    }
    return rebind;
  }

  Statement() = default;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement() {
    if (handle) mysql_stmt_close(handle);  // local only: the server frees it when the connection ends
  }

  // Result columns as the last execution described them. The types known at prepare time can
  // differ from those of an execution (`SELECT ?` is typed by its parameter; an ALTER TABLE
  // changes `SELECT *`), so this runs after every execute; it only rebinds when they changed.
  void sync_layout() {
    const unsigned n = handle->field_count;
    const MYSQL_FIELD* fields = handle->fields;
    bool same = n == columns.size();
    for (unsigned i = 0; same && i < n; ++i) {
      same = kinds[i] == kind_of(fields[i].type) && is_unsigned[i] == ((fields[i].flags & UNSIGNED_FLAG) != 0);
    }
    if (same) return;
    columns.clear();
    kinds.clear();
    is_unsigned.clear();
    cells = std::vector<OutCell>(n);
    for (unsigned i = 0; i < n; ++i) {
      columns.emplace_back(fields[i].name, fields[i].name_length);
      kinds.push_back(kind_of(fields[i].type));
      is_unsigned.push_back((fields[i].flags & UNSIGNED_FLAG) != 0);
    }
    bind_results();
  }

  void bind_results() {
    binds.assign(columns.size(), MYSQL_BIND{});
    for (std::size_t i = 0; i < columns.size(); ++i) {
      auto& b = binds[i];
      auto& c = cells[i];
      b.is_null = &c.null;
      b.error = &c.error;
      b.length = &c.length;
      switch (kinds[i]) {
        case CellKind::integer:
          b.buffer_type = MYSQL_TYPE_LONGLONG;
          b.buffer = &c.integer;
          b.is_unsigned = is_unsigned[i];
          break;
        case CellKind::real:
          b.buffer_type = MYSQL_TYPE_DOUBLE;
          b.buffer = &c.real;
          break;
        case CellKind::time:
          b.buffer_type = MYSQL_TYPE_DATETIME;
          b.buffer = &c.time;
          break;
        case CellKind::text:
          b.buffer_type = MYSQL_TYPE_STRING;
          b.buffer = c.text.data();
          b.buffer_length = static_cast<unsigned long>(c.text.size());
          break;
      }
    }
  }
};

struct Connection::Impl {
  mysql::Config config;
  MYSQL* mysql = nullptr;
  int fd = -1;
  // Bound to the io_context of the last user and kept bound while idle (no epoll_ctl per
  // query); the pool prefers handing a connection back to the same I/O thread.
  std::unique_ptr<asio::posix::stream_descriptor> socket;
  std::shared_ptr<Bindings> bindings;  // of the io_context the socket is bound to
  infra::DeadlineSweep* deadlines = nullptr;  // of that io_context; set while bound
  // That io_context while bound; read by the pool from any thread.
  std::atomic<const asio::execution_context*> context{nullptr};
  bool broken = false;
  bool mariadb = true;
  std::chrono::seconds wait_timeout{28800};  // the server's, read at connect
  SteadyClock::time_point created = SteadyClock::now();
  SteadyClock::time_point used = created;  // set by the pool when the connection comes back
  struct TextHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view v) const noexcept { return std::hash<std::string_view>{}(v); }
  };
  std::unordered_map<std::string, std::unique_ptr<Statement>, TextHash, std::equal_to<>> statements;

  ~Impl() {
    statements.clear();
    release_socket();
    if (mysql) mysql_close(mysql);  // after close() this is only the local free
  }

  std::string address() const { return config.host + ":" + std::to_string(config.port); }

  // Unregisters the socket from the io_context it is bound to.
  void release_socket() {
    if (!bindings) return;
    auto b = std::move(bindings);
    std::lock_guard lock(b->mutex);
    if (!b->alive) return;  // its io_context shut down and already released us
    b->bound.erase(this);
    release_locked();
  }

  // Caller holds the bindings' lock (or is ContextWatch::shutdown).
  void release_locked() noexcept {
    if (socket) {
      boost::system::error_code ignored;
      socket->cancel(ignored);
      (void)socket->release();  // the library owns the fd
      socket.reset();
    }
    deadlines = nullptr;
    context.store(nullptr, std::memory_order_relaxed);
  }

  bool bound_to(const asio::execution_context& ctx) const {
    return socket && context.load(std::memory_order_relaxed) == &ctx;
  }

  // The socket lives on the caller's io_context, so a query's completions run on its own
  // thread without a hop through another thread's reactor.
  void bind_to(const asio::any_io_executor& ex) {
    const int current = static_cast<int>(mysql_get_socket(mysql));
    auto& ctx = asio::query(ex, asio::execution::context);
    if (bound_to(ctx) && fd == current) return;
    release_socket();
    fd = current;
    ContextWatch& watch = asio::use_service<ContextWatch>(ctx);
    auto b = watch.bindings;
    std::lock_guard lock(b->mutex);
    socket = std::make_unique<asio::posix::stream_descriptor>(ex, fd);
    deadlines = &infra::DeadlineSweep::of(ex);
    context.store(&ctx, std::memory_order_relaxed);
    b->bound.insert(this);
    bindings = std::move(b);
  }

  // Closes the socket under the library so that the operation in flight ends at once with an
  // error; the connection is unusable afterwards.
  void sever() {
    broken = true;
    if (fd >= 0) ::shutdown(fd, SHUT_RDWR);
  }

  // Resumes a non-blocking library call that asked to wait (status != 0) until it completes:
  // awaits the socket events it needs and calls cont(events). Call sites run the *_start
  // function inline, so calls that complete at once (stored results, cached statements) cost
  // no coroutine frame:  if (int s = start(); s != 0) co_await c.finish(s, cont, deadline);
  template <typename Cont>
  awaitable<void> finish(int status, Cont cont, const Deadline& deadline) {
    auto ex = co_await asio::this_coro::executor;
    bind_to(ex);
    PendingWait wait;  // unscheduled by its destructor, however finish() ends
    deadlines->schedule(wait, deadline.at);

    while (status != 0) {
      if (wait.fired) {
        abandon(status, cont);
        throw_deadline(deadline);
      }
      boost::system::error_code ec;
      const bool want_write = (status & MYSQL_WAIT_WRITE) != 0;
      co_await socket->async_wait(
          want_write ? asio::posix::stream_descriptor::wait_write : asio::posix::stream_descriptor::wait_read,
          asio::bind_cancellation_slot(wait.signal.slot(), asio::redirect_error(use_awaitable, ec)));
      if (ec == asio::error::operation_aborted) continue;  // the deadline: handled at the loop top
      if (ec) {
        abandon(status, cont);
        throw infra::UnreachableError("mysql", fmt::format("socket error talking to {}: {}", address(), ec.message()),
                               std::string(infra::hints::start_local_services));
      }
      status = cont(want_write ? MYSQL_WAIT_WRITE : MYSQL_WAIT_READ);
    }
  }

  template <typename Cont>
  void abandon(int status, Cont& cont) {
    sever();
    // Let the library see the closed socket and unwind its state (a few steps at most).
    for (int i = 0; status != 0 && i < 16; ++i) status = cont(MYSQL_WAIT_READ | MYSQL_WAIT_WRITE);
  }

  [[noreturn]] void throw_deadline(const Deadline& d) const {
    if (d.what == "connect") {
      throw TimeoutError("mysql",
                         fmt::format("connecting to {} did not finish within {} ms", address(), d.limit.count()),
                         "is the server reachable? raise MYSQL_CONNECT_TIMEOUT_MS if the network is slow");
    }
    throw TimeoutError("mysql", fmt::format("{} exceeded its deadline of {} ms", d.what, d.limit.count()),
                       "the statement was stopped; make it faster (an index?) or raise MYSQL_QUERY_TIMEOUT_MS");
  }

  [[noreturn]] void fail(unsigned int err, const char* sqlstate, const char* message) {
    if (is_connection_error(err)) broken = true;
    throw_mysql_error(err, sqlstate ? sqlstate : "", message ? message : "", address());
  }
  [[noreturn]] void fail_connection() { fail(mysql_errno(mysql), mysql_sqlstate(mysql), mysql_error(mysql)); }
  [[noreturn]] void fail_statement(MYSQL_STMT* st) {
    fail(mysql_stmt_errno(st), mysql_stmt_sqlstate(st), mysql_stmt_error(st));
  }

  awaitable<Statement*> prepare(std::string_view sql, const Deadline& deadline) {
    auto found = statements.find(sql);
    if (found != statements.end()) co_return found->second.get();
    if (statements.size() >= kStatementCacheLimit) statements.erase(statements.begin());

    auto st = std::make_unique<Statement>();
    st->handle = mysql_stmt_init(mysql);
    if (!st->handle) throw infra::Error(infra::ErrorKind::internal, "mysql", "out of memory preparing a statement");
    int rc = 0;
    MYSQL_STMT* h = st->handle;
    if (const int s = mysql_stmt_prepare_start(&rc, h, sql.data(), static_cast<unsigned long>(sql.size())); s != 0) {
    co_await finish(s, [&](int ev) { return mysql_stmt_prepare_cont(&rc, h, ev); }, deadline);
  }
    if (rc != 0) fail_statement(h);
    st->param_count = mysql_stmt_param_count(h);
    st->sync_layout();
    auto* raw = st.get();
    statements.emplace(std::string(sql), std::move(st));
    co_return raw;
  }
};

void ContextWatch::shutdown() {
  {
    std::lock_guard lock(bindings->mutex);
    bindings->alive = false;
    for (Connection::Impl* impl : bindings->bound) impl->release_locked();
    bindings->bound.clear();
  }
}

Connection::Connection(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Connection::~Connection() = default;

awaitable<std::shared_ptr<Connection>> Connection::open(const mysql::Config& config) {
  auto impl = std::make_unique<Impl>();
  impl->config = config;
  impl->mysql = mysql_init(nullptr);
  if (!impl->mysql) throw infra::Error(infra::ErrorKind::internal, "mysql", "mysql_init failed (out of memory)");
  MYSQL* m = impl->mysql;
  mysql_options(m, MYSQL_OPT_NONBLOCK, nullptr);
  const unsigned int tcp = MYSQL_PROTOCOL_TCP;  // "localhost" would otherwise mean the unix socket
  mysql_options(m, MYSQL_OPT_PROTOCOL, &tcp);
  mysql_options(m, MYSQL_SET_CHARSET_NAME, "utf8mb4");

  auto conn = std::make_shared<Connection>(std::move(impl));
  Impl& c = *conn->impl_;
  const auto deadline = Deadline::after(config.connect_timeout, "connect");
  MYSQL* ret = nullptr;
  const char* db = config.database.empty() ? nullptr : config.database.c_str();
  if (const int s = mysql_real_connect_start(&ret, m, config.host.c_str(), config.user.c_str(), config.password.c_str(), db,
                                        config.port, nullptr, CLIENT_MULTI_RESULTS | CLIENT_FOUND_ROWS); s != 0) {
    co_await c.finish(s, [&](int ev) { return mysql_real_connect_cont(&ret, m, ev); }, deadline);
  }
  if (!ret) c.fail_connection();
  // Re-register the socket for reads only: the connect waited for writability, and Asio would
  // otherwise keep EPOLLOUT in the registration and wake up for it on every later wait.
  c.release_socket();
  const char* info = mysql_get_server_info(m);
  c.mariadb = info && std::strstr(info, "MariaDB") != nullptr;

  // UTC for DATETIME/TIMESTAMP, and a server-side limit so a statement we gave up on stops too.
  const auto limit_ms = config.query_timeout.count();
  const std::string setup =
      c.mariadb ? fmt::format("SET time_zone = '+00:00', SESSION max_statement_time = {:.3f}", limit_ms / 1000.0)
                : fmt::format("SET time_zone = '+00:00', SESSION max_execution_time = {}", limit_ms);
  co_await conn->execute_text(setup, deadline);
  // The server closes connections idle for wait_timeout; the pool retires them before that.
  const ResultSet limits = co_await conn->execute_text("SELECT @@SESSION.wait_timeout", deadline);
  if (limits.row_count() == 1) {
    if (const auto* text = std::get_if<std::string>(&limits.cell(0, 0))) {
      c.wait_timeout = std::chrono::seconds(std::strtoll(text->c_str(), nullptr, 10));
    }
  }
  co_return conn;
}

awaitable<ResultSet> Connection::execute(std::string_view sql, const std::vector<Value>& params, Deadline deadline) {
  Impl& c = *impl_;
  auto cached = c.statements.find(sql);
  Statement* st = cached != c.statements.end() ? cached->second.get() : co_await c.prepare(sql, deadline);
  MYSQL_STMT* h = st->handle;
  if (params.size() != st->param_count) {
    throw infra::InvalidArgumentError(
        "mysql", fmt::format("statement has {} placeholders but {} values were given", st->param_count, params.size()));
  }

  if (st->bind_params(params)) {
    if (!params.empty() && mysql_stmt_bind_param(h, st->param_binds.data())) c.fail_statement(h);
    st->params_bound = true;
  }

  int rc = 0;
  if (const int s = mysql_stmt_execute_start(&rc, h); s != 0) {
    co_await c.finish(s, [&](int ev) { return mysql_stmt_execute_cont(&rc, h, ev); }, deadline);
  }
  if (rc != 0) c.fail_statement(h);

  ResultSet result;
  result.affected_rows = mysql_stmt_affected_rows(h);
  result.insert_id = mysql_stmt_insert_id(h);
  st->sync_layout();
  if (!st->columns.empty()) {
    if (const int s = mysql_stmt_store_result_start(&rc, h); s != 0) {
    co_await c.finish(s, [&](int ev) { return mysql_stmt_store_result_cont(&rc, h, ev); }, deadline);
  }
    if (rc != 0) c.fail_statement(h);
    result.columns = st->columns;
    if (mysql_stmt_bind_result(h, st->binds.data())) c.fail_statement(h);
    result.cells.reserve(static_cast<std::size_t>(mysql_stmt_num_rows(h)) * st->columns.size());
    for (;;) {
      const int f = mysql_stmt_fetch(h);  // rows are already stored: no I/O
      if (f == MYSQL_NO_DATA) break;
      if (f == 1) c.fail_statement(h);
      for (std::size_t i = 0; i < st->columns.size(); ++i) {
        OutCell& cell = st->cells[i];
        if (cell.null) {
          result.cells.emplace_back(std::monostate{});
          continue;
        }
        switch (st->kinds[i]) {
          case CellKind::integer:
            if (st->is_unsigned[i]) result.cells.emplace_back(static_cast<std::uint64_t>(cell.integer));
            else result.cells.emplace_back(cell.integer);
            break;
          case CellKind::real:
            result.cells.emplace_back(cell.real);
            break;
          case CellKind::time:
            result.cells.push_back(from_mysql_time(cell.time));
            break;
          case CellKind::text:
            if (cell.length <= cell.text.size()) {
              result.cells.emplace_back(std::string(cell.text.data(), cell.length));
            } else {  // truncated: fetch the whole value
              std::string full(cell.length, '\0');
              MYSQL_BIND b{};
              unsigned long len = 0;
              b.buffer_type = MYSQL_TYPE_STRING;
              b.buffer = full.data();
              b.buffer_length = cell.length;
              b.length = &len;
              if (mysql_stmt_fetch_column(h, &b, static_cast<unsigned>(i), 0)) c.fail_statement(h);
              result.cells.emplace_back(std::move(full));
            }
            break;
        }
      }
    }
    my_bool freed = 0;
    if (const int s = mysql_stmt_free_result_start(&freed, h); s != 0) {
    co_await c.finish(s, [&](int ev) { return mysql_stmt_free_result_cont(&freed, h, ev); }, deadline);
  }
  }
  c.used = SteadyClock::now();
  co_return result;
}

awaitable<ResultSet> Connection::execute_text(std::string_view sql, Deadline deadline) {
  Impl& c = *impl_;
  MYSQL* m = c.mysql;
  int rc = 0;
  if (const int s = mysql_real_query_start(&rc, m, sql.data(), static_cast<unsigned long>(sql.size())); s != 0) {
    co_await c.finish(s, [&](int ev) { return mysql_real_query_cont(&rc, m, ev); }, deadline);
  }
  if (rc != 0) c.fail_connection();

  ResultSet result;
  bool first = true;
  for (;;) {
    MYSQL_RES* res = nullptr;
    if (const int s = mysql_store_result_start(&res, m); s != 0) {
    co_await c.finish(s, [&](int ev) { return mysql_store_result_cont(&res, m, ev); }, deadline);
  }
    if (res) {
      if (first) {
        const unsigned n = mysql_num_fields(res);
        MYSQL_FIELD* fields = mysql_fetch_fields(res);
        for (unsigned i = 0; i < n; ++i) result.columns.emplace_back(fields[i].name, fields[i].name_length);
        while (MYSQL_ROW row = mysql_fetch_row(res)) {  // stored: no I/O
          unsigned long* lengths = mysql_fetch_lengths(res);
          for (unsigned i = 0; i < n; ++i) {
            if (row[i]) result.cells.emplace_back(std::string(row[i], lengths[i]));
            else result.cells.emplace_back(std::monostate{});
          }
        }
      }
      mysql_free_result(res);
    } else if (mysql_field_count(m) != 0) {
      c.fail_connection();
    } else if (first) {
      result.affected_rows = mysql_affected_rows(m);
      result.insert_id = mysql_insert_id(m);
    }
    first = false;
    if (!mysql_more_results(m)) break;
    int next = 0;
    if (const int s = mysql_next_result_start(&next, m); s != 0) {
    co_await c.finish(s, [&](int ev) { return mysql_next_result_cont(&next, m, ev); }, deadline);
  }
    if (next > 0) c.fail_connection();
    if (next < 0) break;
  }
  co_return result;
}

awaitable<void> Connection::ping(Deadline deadline) {
  Impl& c = *impl_;
  int rc = 0;
  if (const int s = mysql_ping_start(&rc, c.mysql); s != 0) {
    co_await c.finish(s, [&](int ev) { return mysql_ping_cont(&rc, c.mysql, ev); }, deadline);
  }
  if (rc != 0) c.fail_connection();
}

void Connection::close() noexcept {
  Impl& c = *impl_;
  c.statements.clear();
  c.release_socket();
  if (c.mysql) {
    // COM_QUIT is one small write with no answer, so the blocking close does not wait on the
    // server; a severed connection just closes its socket.
    mysql_close(c.mysql);
    c.mysql = nullptr;
  }
}

bool Connection::broken() const noexcept { return impl_->broken; }
void Connection::mark_broken() noexcept { impl_->broken = true; }
const asio::execution_context* Connection::bound_context() const noexcept {
  return impl_->context.load(std::memory_order_relaxed);
}

bool Connection::idle_socket_is_healthy() const noexcept {
  const int fd = static_cast<int>(mysql_get_socket(impl_->mysql));
  if (impl_->broken || fd < 0) return false;
  pollfd p{fd, POLLIN, 0};
  const int n = ::poll(&p, 1, 0);
  return n == 0;  // readable (an error packet or EOF), hung up or failed: the server closed it
}

std::chrono::seconds Connection::server_wait_timeout() const noexcept { return impl_->wait_timeout; }
std::size_t Connection::cached_statements() const noexcept { return impl_->statements.size(); }
SteadyClock::time_point Connection::created_at() const noexcept { return impl_->created; }
SteadyClock::time_point Connection::last_used() const noexcept { return impl_->used; }
void Connection::touch(SteadyClock::time_point now) noexcept { impl_->used = now; }

std::size_t ResultSet::column_index(std::string_view name) const {
  for (std::size_t i = 0; i < columns.size(); ++i) {
    if (columns[i] == name) return i;
  }
  throw infra::InvalidArgumentError("mysql", fmt::format("the result has no column named '{}'", name));
}

}  // namespace vibework::mysql
