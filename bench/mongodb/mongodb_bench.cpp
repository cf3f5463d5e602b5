// Insert one notification / find one by id: the Model API (coroutines -> SlotLimiter ->
// BlockingPool -> pooled client, BSON encode/decode of the struct) against the plain
// mongo-c-driver in a tight loop (one thread per task, each holding its own pooled client),
// N concurrent tasks each, alternating rounds in one run. Prints the rates and the ratios.
//
//   MONGODB_URI=mongodb://localhost:27017/vibework mongodb_bench [tasks=16] [seconds=5] [rounds=3] [io_threads=1]
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

#include "vibework/infra/config.hpp"
#include "vibework/infra/mongodb/mongodb.hpp"
#include "vibework/infra/runtime.hpp"
#include "vibework/models/notification.hpp"

using namespace vibework;
using namespace vibework::infra;
using namespace vibework::infra::mongodb;
using models::Notification;
using models::NotificationDocument;
using Clock = std::chrono::steady_clock;

namespace {

struct Settings {
  int tasks = 16;
  double seconds = 5;
  int rounds = 3;
  std::size_t io_threads = 1;
  MongodbConfig mongo;
};

constexpr const char* collection_name = "notifications";

NotificationDocument sample(int task) {
  NotificationDocument n;
  n.user_id = "bench-user-" + std::to_string(task);
  n.type = models::NotificationType::email;
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

template <typename Op>
double run_plain(const Settings& s, mongoc_client_pool_t* pool, Op op) {
  std::atomic<long> total{0};
  std::atomic<bool> failed{false};
  const auto deadline = Clock::now() + std::chrono::duration<double>(s.seconds);
  std::vector<std::thread> threads;
  const auto begin = Clock::now();
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
  return static_cast<double>(total) / std::chrono::duration<double>(Clock::now() - begin).count();
}

// ---- Model API ---------------------------------------------------------------------------

template <typename Op>
double run_model(const Settings& s, Runtime& runtime, Op op) {
  std::atomic<long> total{0};
  std::atomic<int> running{s.tasks};
  std::atomic<bool> failed{false};
  const auto deadline = Clock::now() + std::chrono::duration<double>(s.seconds);
  const auto begin = Clock::now();
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
  return static_cast<double>(total) / std::chrono::duration<double>(Clock::now() - begin).count();
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
  auto config = load_config(process_environment());
  if (!config.ok()) {
    for (const auto& p : config.problems) std::fprintf(stderr, "%s\n", p.to_string().c_str());
    return 2;
  }
  s.mongo = config.config.mongodb;
  s.mongo.database = "vibework_bench";
  s.mongo.pool_size = static_cast<std::uint32_t>(s.tasks);  // both sides get one connection per task

  DriverInstance driver;
  Runtime runtime({.io_threads = s.io_threads, .blocking_threads = static_cast<std::size_t>(s.tasks)});
  runtime.start();
  auto db = std::make_shared<Database>(s.mongo, runtime.blocking());
  auto on_io = [&](awaitable<void> work) {
    asio::co_spawn(runtime.io_context(0), std::move(work), asio::use_future).get();
  };
  on_io(db->start());
  Notification notifications(*db);
  on_io([&]() -> awaitable<void> { co_await notifications.delete_many({}); }());

  // Documents to find: one set per task, written through the plain driver.
  constexpr int docs_per_task = 200;
  std::vector<std::vector<ObjectId>> ids(s.tasks);
  on_io([&]() -> awaitable<void> {
    for (int t = 0; t < s.tasks; ++t) {
      for (int i = 0; i < docs_per_task; ++i) ids[t].push_back((co_await notifications.create(sample(t))).id);
    }
  }());

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
    bson_t* opts = BCON_NEW("limit", BCON_INT64(1));
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

  std::vector<double> pi, mi, pf, mf;
  for (int r = 0; r < s.rounds; ++r) {
    pi.push_back(run_plain(s, pool, plain_insert));
    mi.push_back(run_model(s, runtime, model_insert));
    pf.push_back(run_plain(s, pool, plain_find));
    mf.push_back(run_model(s, runtime, model_find));
    std::printf("round %d: insert plain %.0f/s model %.0f/s | find_by_id plain %.0f/s model %.0f/s\n", r + 1,
                pi.back(), mi.back(), pf.back(), mf.back());
    std::fflush(stdout);
  }
  const double insert_ratio = median(mi) / median(pi);
  const double find_ratio = median(mf) / median(pf);
  std::printf("tasks=%d seconds=%.1f rounds=%d io_threads=%zu (medians)\n", s.tasks, s.seconds, s.rounds, s.io_threads);
  std::printf("insert      plain %8.0f ops/s  model %8.0f ops/s  ratio %.3f\n", median(pi), median(mi), insert_ratio);
  std::printf("find_by_id  plain %8.0f ops/s  model %8.0f ops/s  ratio %.3f\n", median(pf), median(mf), find_ratio);

  mongoc_client_pool_destroy(pool);
  mongoc_uri_destroy(uri);
  on_io([&]() -> awaitable<void> { co_await notifications.delete_many({}); }());
  on_io(db->stop());
  runtime.join();
  return insert_ratio >= 0.85 && find_ratio >= 0.85 ? 0 : 1;
}
