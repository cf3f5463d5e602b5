// Insert one notification / find one by id: the Model API (coroutines -> slot semaphore ->
// BlockingPool -> pooled client, BSON encode/decode of the struct) against the plain
// mongo-c-driver in a tight loop (one thread per task, each holding its own pooled client),
// N concurrent tasks each, alternating rounds in one run. Prints the rates and the ratios.
//
//   MONGODB_URI=mongodb://localhost:27017/vibework mongodb_bench [tasks=16] [seconds=5] [rounds=3] [io_threads=1]
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_future.hpp>
#include <mongoc/mongoc.h>

#include "vibework/mongodb/config.hpp"
#include "vibework/mongodb/mongodb.hpp"
#include "vibework/infra/runtime.hpp"
#include "vibework/models/notification.hpp"

using namespace vibework;
using namespace vibework::infra;
using namespace vibework::mongodb;
using models::Notification;
using models::NotificationDocument;
using Clock = std::chrono::steady_clock;

namespace {

struct Settings {
  int tasks = 16;
  double seconds = 5;
  int rounds = 5;
  std::size_t io_threads = 1;
  mongodb::Config mongo;
};

constexpr const char* collection_name = "notifications";

NotificationDocument sample(int task) {
  NotificationDocument n;
  n.user_id = "bench-user-" + std::to_string(task);
  n.type = models::NotificationType::warning;
  n.title = "Welcome";
  n.message = "Welcome to VibeWork";
  return n;
}

// ---- plain driver ------------------------------------------------------------------------

// The same document the Model writes, appended by hand.
bson_t* plain_document(int task) {
  bson_oid_t oid;
  bson_oid_init(&oid, nullptr);
  const std::string user = "bench-user-" + std::to_string(task);
  const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  bson_t* doc = bson_new();
  BSON_APPEND_OID(doc, "_id", &oid);
  BSON_APPEND_UTF8(doc, "userId", user.c_str());
  BSON_APPEND_UTF8(doc, "type", "email");
  BSON_APPEND_UTF8(doc, "title", "Welcome");
  BSON_APPEND_UTF8(doc, "message", "Welcome to VibeWork");
  BSON_APPEND_BOOL(doc, "read", false);
  BSON_APPEND_DATE_TIME(doc, "createdAt", now);
  BSON_APPEND_DATE_TIME(doc, "updatedAt", now);
  return doc;
}

// CPU time used by this process (all threads), to compare the client-side cost per operation.
double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

struct Result {
  double rate = 0;         // operations per second
  double cpu_us_per_op = 0;  // client CPU per operation, microseconds
};

template <typename Op>
Result run_plain(const Settings& s, mongoc_client_pool_t* pool, Op op) {
  std::atomic<long> total{0};
  std::atomic<bool> failed{false};
  const auto deadline = Clock::now() + std::chrono::duration<double>(s.seconds);
  std::vector<std::thread> threads;
  const auto begin = Clock::now();
  const double cpu_begin = cpu_seconds();
  for (int t = 0; t < s.tasks; ++t) {
    threads.emplace_back([&, t] {
      mongoc_client_t* client = mongoc_client_pool_pop(pool);
      mongoc_collection_t* coll = mongoc_client_get_collection(client, s.mongo.database.c_str(), collection_name);
      long n = 0;
      while (Clock::now() < deadline) {
        if (!op(coll, t, n)) {
          failed = true;
          break;
        }
        ++n;
      }
      total += n;
      mongoc_collection_destroy(coll);
      mongoc_client_pool_push(pool, client);
    });
  }
  for (auto& th : threads) th.join();
  if (failed) std::fprintf(stderr, "plain driver: an operation failed\n");
  const double ops = static_cast<double>(std::max(1L, total.load()));
  return {ops / std::chrono::duration<double>(Clock::now() - begin).count(), (cpu_seconds() - cpu_begin) * 1e6 / ops};
}

// ---- Model API ---------------------------------------------------------------------------

template <typename Op>
Result run_model(const Settings& s, infra::Runtime& runtime, Op op) {
  std::atomic<long> total{0};
  std::atomic<int> running{s.tasks};
  std::atomic<bool> failed{false};
  const auto deadline = Clock::now() + std::chrono::duration<double>(s.seconds);
  const auto begin = Clock::now();
  const double cpu_begin = cpu_seconds();
  for (int t = 0; t < s.tasks; ++t) {
    auto task = [&, t]() -> awaitable<void> {
      long n = 0;
      try {
        while (Clock::now() < deadline) {
          co_await op(t, n);
          ++n;
        }
      } catch (const std::exception& e) {
        std::fprintf(stderr, "model: %s\n", e.what());
        failed = true;
      }
      total += n;
      --running;
    };
    // co_spawn keeps the lambda (and its captures) alive until the coroutine ends.
    asio::co_spawn(runtime.next_io_context(), std::move(task), asio::detached);
  }
  while (running > 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  const double ops = static_cast<double>(std::max(1L, total.load()));
  return {ops / std::chrono::duration<double>(Clock::now() - begin).count(), (cpu_seconds() - cpu_begin) * 1e6 / ops};
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  Settings s;
  if (argc > 1) s.tasks = std::atoi(argv[1]);
  if (argc > 2) s.seconds = std::atof(argv[2]);
  if (argc > 3) s.rounds = std::atoi(argv[3]);
  if (argc > 4) s.io_threads = static_cast<std::size_t>(std::atoi(argv[4]));
  auto config = infra::load_config<mongodb::Config>(infra::process_environment());
  if (!config.ok()) {
    for (const auto& p : config.problems) std::fprintf(stderr, "%s\n", p.to_string().c_str());
    return 2;
  }
  s.mongo = config.config.get<mongodb::Config>();
  s.mongo.database = "vibework_bench";
  s.mongo.pool_size = static_cast<std::uint32_t>(s.tasks);  // both sides get one connection per task

  DriverInstance driver;
  infra::Runtime runtime({.io_threads = s.io_threads, .blocking_threads = static_cast<std::size_t>(s.tasks)});
  runtime.start();
  auto db = std::make_shared<Database>(s.mongo, runtime);
  auto on_io = [&](awaitable<void> work) {
    asio::co_spawn(runtime.io_context(0), std::move(work), asio::use_future).get();
  };
  on_io(db->start());
  Notification notifications(*db);
  // Documents to find: a few per task, in a collection kept small (FerretDB's finds slow down
  // with collection size, which would hide the client side entirely). Re-seeded every round.
  constexpr int docs_per_task = 20;
  std::vector<std::vector<ObjectId>> ids(s.tasks);
  auto reseed = [&] {
    on_io([&]() -> awaitable<void> {
      co_await notifications.collection().drop();
      for (int t = 0; t < s.tasks; ++t) {
        ids[t].clear();
        for (int i = 0; i < docs_per_task; ++i) ids[t].push_back((co_await notifications.create(sample(t))).id);
      }
    }());
  };
  reseed();

  // The plain driver's own pool, configured from the same URI and options.
  bson_error_t error;
  mongoc_uri_t* uri = mongoc_uri_new_with_error(s.mongo.uri.c_str(), &error);
  mongoc_uri_set_option_as_int32(uri, MONGOC_URI_MAXPOOLSIZE, s.tasks);
  mongoc_client_pool_t* pool = mongoc_client_pool_new(uri);
  mongoc_client_pool_set_error_api(pool, MONGOC_ERROR_API_VERSION_2);

  auto plain_insert = [](mongoc_collection_t* coll, int t, long) {
    bson_t* doc = plain_document(t);
    bson_error_t e;
    const bool ok = mongoc_collection_insert_one(coll, doc, nullptr, nullptr, &e);
    if (!ok) std::fprintf(stderr, "insert: %s\n", e.message);
    bson_destroy(doc);
    return ok;
  };
  auto plain_find = [&](mongoc_collection_t* coll, int t, long n) {
    const auto& id = ids[t][static_cast<std::size_t>(n) % ids[t].size()];
    bson_oid_t oid;
    std::copy(id.bytes().begin(), id.bytes().end(), oid.bytes);
    bson_t* filter = BCON_NEW("_id", BCON_OID(&oid));
    bson_t* opts = BCON_NEW("limit", BCON_INT64(1), "singleBatch", BCON_BOOL(true));  // what find_one sends
    mongoc_cursor_t* cursor = mongoc_collection_find_with_opts(coll, filter, opts, nullptr);
    const bson_t* doc = nullptr;
    bool found = mongoc_cursor_next(cursor, &doc);
    bson_error_t e;
    if (mongoc_cursor_error(cursor, &e)) {
      std::fprintf(stderr, "find: %s\n", e.message);
      found = false;
    }
    mongoc_cursor_destroy(cursor);
    bson_destroy(opts);
    bson_destroy(filter);
    return found;
  };
  auto model_insert = [&](int t, long) -> awaitable<void> { co_await notifications.create(sample(t)); };
  auto model_find = [&](int t, long n) -> awaitable<void> {
    auto found = co_await notifications.find_by_id(ids[t][static_cast<std::size_t>(n) % ids[t].size()]);
    if (!found) throw std::runtime_error("document not found");
  };

  // Warm both pools up, then alternate so drift in the server hits both sides alike.
  Settings warm = s;
  warm.seconds = 1;
  run_plain(warm, pool, plain_find);
  run_model(warm, runtime, model_find);

  std::vector<Result> pi, mi, pf, mf;
  for (int r = 0; r < s.rounds; ++r) {
    reseed();  // finds first, on the small collection; the inserts then grow it
    pf.push_back(run_plain(s, pool, plain_find));
    mf.push_back(run_model(s, runtime, model_find));
    pi.push_back(run_plain(s, pool, plain_insert));
    mi.push_back(run_model(s, runtime, model_insert));
    std::printf("round %d: insert plain %.0f/s model %.0f/s | find_by_id plain %.0f/s model %.0f/s\n", r + 1,
                pi.back().rate, mi.back().rate, pf.back().rate, mf.back().rate);
    std::fflush(stdout);
  }
  auto rates = [](const std::vector<Result>& v) {
    std::vector<double> out;
    for (const auto& x : v) out.push_back(x.rate);
    return median(out);
  };
  auto cpu = [](const std::vector<Result>& v) {
    std::vector<double> out;
    for (const auto& x : v) out.push_back(x.cpu_us_per_op);
    return median(out);
  };
  const double insert_ratio = rates(mi) / rates(pi);
  const double find_ratio = rates(mf) / rates(pf);
  std::printf("tasks=%d seconds=%.1f rounds=%d io_threads=%zu (medians)\n", s.tasks, s.seconds, s.rounds, s.io_threads);
  std::printf("insert      plain %7.0f ops/s  model %7.0f ops/s  ratio %.2f   client CPU/op plain %5.0f us  model %5.0f us\n",
              rates(pi), rates(mi), insert_ratio, cpu(pi), cpu(mi));
  std::printf("find_by_id  plain %7.0f ops/s  model %7.0f ops/s  ratio %.2f   client CPU/op plain %5.0f us  model %5.0f us\n",
              rates(pf), rates(mf), find_ratio, cpu(pf), cpu(mf));

  mongoc_client_pool_destroy(pool);
  mongoc_uri_destroy(uri);
  // drop(), not delete_many(): FerretDB's SQLite backend fails deleteMany over ~32k documents.
  on_io([&]() -> awaitable<void> { co_await notifications.collection().drop(); }());
  on_io(db->stop());
  runtime.join();
  return insert_ratio >= 0.85 && find_ratio >= 0.85 ? 0 : 1;
}
