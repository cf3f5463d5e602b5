// Load generator for bench/mysql.sh: N concurrent coroutines on the default pool run the same
// statements as sysbench's oltp_point_select / oltp_insert, through the typed API, for a fixed
// time. Prints one line: "<mode> tasks=N seconds=S ops=X rate=Y/s".
//
//   MYSQL_DATABASE=vibework_bench mysql_bench point_select 10 10 [io_threads] [table_size]
//
// Modes: point_select and insert (the typed API, what the targets are about); two diagnostics
// that run sysbench's exact SQL: point_select_raw (the raw API on the pool) and
// point_select_connection (one connection per task, no pool).
#include <atomic>
#include <cstdio>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/describe/class.hpp>

#include "vibework/mysql/config.hpp"
#include "vibework/mysql/database.hpp"
#include "vibework/mysql/connection.hpp"

using namespace vibework;
using namespace vibework::mysql;

namespace {

// sysbench's table: sbtest1 (id INT AUTO_INCREMENT PK, k INT, c CHAR(120), pad CHAR(60)).
struct SbRow {
  std::int64_t id = 0;
  std::int64_t k = 0;
  std::string c;
  std::string pad;
};
BOOST_DESCRIBE_STRUCT(SbRow, (), (id, k, c, pad))

struct SbTable : Table<SbRow> {
  Column<&SbRow::id> id{this};
  Column<&SbRow::k> k{this};
  Column<&SbRow::c> c{this};
  Column<&SbRow::pad> pad{this};
  SbTable() : Table("sbtest1", {}) {}
};

// What oltp_point_select reads ("SELECT c FROM sbtest1 WHERE id=?"), plus the key.
struct SbC {
  std::int64_t id = 0;
  std::string c;
};
BOOST_DESCRIBE_STRUCT(SbC, (), (id, c))

struct SbCTable : Table<SbC> {
  Column<&SbC::id> id{this};
  Column<&SbC::c> c{this};
  SbCTable() : Table("sbtest1", {}) {}
};

std::string random_chars(std::mt19937_64& rng, std::size_t n) {
  static const char digits[] = "0123456789";
  std::string s(n, '0');
  for (auto& ch : s) ch = digits[rng() % 10];
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr,
                 "usage: mysql_bench point_select|insert|point_select_raw|point_select_connection <tasks> <seconds> "
                 "[io_threads] [table_size]\n");
    return 2;
  }
  const std::string mode = argv[1];
  const int tasks = std::stoi(argv[2]);
  const int seconds = std::stoi(argv[3]);
  const int io_threads = argc > 4 ? std::stoi(argv[4]) : 1;
  const std::int64_t table_size = argc > 5 ? std::stoll(argv[5]) : 10000;

  auto loaded = infra::load_config<mysql::Config>(infra::process_environment());
  if (!loaded.ok()) {
    std::fprintf(stderr, "%s\n", loaded.problems.front().to_string().c_str());
    return 2;
  }
  const auto& mysql_config = loaded.config.get<mysql::Config>();
  Database db(mysql_config);  // the default pool: MYSQL_POOL_SIZE (10)
  SbTable rows;
  SbCTable points;
  std::atomic<std::uint64_t> ops{0}, errors{0};
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);

  const std::string sysbench_sql = "SELECT c FROM sbtest1 WHERE id=?";
  auto worker = [&](int index) -> awaitable<void> {
    std::mt19937_64 rng(static_cast<std::uint64_t>(index) * 7919 + 17);
    auto random_id = [&] { return static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(table_size)) + 1; };
    std::uint64_t done = 0;
    // Diagnostic: one connection per task, no pool (what the pool's own cost is measured against).
    std::shared_ptr<Connection> own;
    if (mode == "point_select_connection") own = co_await Connection::open(mysql_config);
    while (std::chrono::steady_clock::now() < until) {
      try {
        if (mode == "point_select") {  // the typed API: what the target is about
          const std::int64_t id = random_id();
          auto row = co_await db.select(points).where(points.id == id).first();
          if (!row) errors.fetch_add(1, std::memory_order_relaxed);
        } else if (mode == "point_select_raw" || mode == "point_select_connection") {  // sysbench's exact SQL
          std::vector<Value> params;
          params.emplace_back(random_id());
          ResultSet rs;
          if (own) {
            const Deadline deadline = Deadline::after(mysql_config.query_timeout, "query");
            rs = co_await own->execute(sysbench_sql, params, deadline);
          } else {
            rs = co_await db.execute(sysbench_sql, std::move(params));
          }
          if (rs.row_count() != 1) errors.fetch_add(1, std::memory_order_relaxed);
        } else {
          SbRow r;  // id 0: AUTO_INCREMENT assigns it, as in oltp_insert
          r.k = random_id();
          r.c = random_chars(rng, 119);
          r.pad = random_chars(rng, 59);
          co_await db.insert(rows).values(r).execute();
        }
        ++done;
      } catch (const std::exception& e) {
        if (errors.fetch_add(1) < 3) std::fprintf(stderr, "error: %s\n", e.what());
      }
    }
    ops.fetch_add(done);
  };

  std::vector<std::unique_ptr<asio::io_context>> contexts;
  for (int t = 0; t < io_threads; ++t) contexts.push_back(std::make_unique<asio::io_context>(1));
  const auto started = std::chrono::steady_clock::now();
  for (int i = 0; i < tasks; ++i) asio::co_spawn(*contexts[i % io_threads], worker(i), asio::detached);
  std::vector<std::thread> threads;
  for (auto& c : contexts) threads.emplace_back([ctx = c.get()] { ctx->run(); });
  for (auto& t : threads) t.join();
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::printf("%s tasks=%d io_threads=%d seconds=%.2f ops=%llu errors=%llu rate=%.1f/s\n", mode.c_str(), tasks,
              io_threads, elapsed, static_cast<unsigned long long>(ops.load()),
              static_cast<unsigned long long>(errors.load()), static_cast<double>(ops.load()) / elapsed);
  return errors.load() == 0 ? 0 : 1;
}
