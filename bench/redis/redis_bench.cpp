// redis_bench: SET or GET of fixed-size values through vibework's Redis client, with C
// concurrent tasks, like `redis-benchmark -t set,get -d 100 -c C [-P N]`.
//
//   redis_bench --port 6379 --test set --clients 50 --requests 200000 --data-size 100 [--pipeline 16]
//
// Without --pipeline each task awaits one command at a time (the client still coalesces what
// concurrent tasks send in the same loop turn into one write: that is its normal behaviour).
// With --pipeline N each task sends explicit Pipelines of N commands, like redis-benchmark -P N.
// Prints "SET: <rate> requests per second", the same line redis-benchmark -q prints.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <future>
#include <string>
#include <vector>

#include <boost/asio/use_future.hpp>
#include <spdlog/spdlog.h>

#include "vibework/redis/config.hpp"
#include "vibework/redis/client.hpp"
#include "vibework/infra/runtime.hpp"

using namespace vibework;
using namespace vibework::infra;

namespace {

struct Options {
  std::string host = "127.0.0.1";
  int port = 6379;
  std::string test = "set";
  int clients = 50;
  long requests = 100'000;
  int data_size = 100;
  int pipeline = 1;
  int io_threads = 1;
  int connections = 0;  // 0 = one per I/O thread
};

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    const std::string value = argv[i + 1];
    if (flag == "--host") o.host = value;
    else if (flag == "--port") o.port = std::stoi(value);
    else if (flag == "--test") o.test = value;
    else if (flag == "--clients") o.clients = std::stoi(value);
    else if (flag == "--requests") o.requests = std::stol(value);
    else if (flag == "--data-size") o.data_size = std::stoi(value);
    else if (flag == "--pipeline") o.pipeline = std::stoi(value);
    else if (flag == "--io-threads") o.io_threads = std::stoi(value);
    else if (flag == "--connections") o.connections = std::stoi(value);
    else {
      std::fprintf(stderr, "redis_bench: unknown option %s\n", flag.c_str());
      std::exit(2);
    }
  }
  if (o.test != "set" && o.test != "get") {
    std::fprintf(stderr, "redis_bench: --test must be set or get\n");
    std::exit(2);
  }
  return o;
}

awaitable<void> worker(redis::Client& client, const Options& o, std::atomic<long>& issued, const std::string& key,
                       const std::string& value) {
  const long step = o.pipeline;
  while (issued.fetch_add(step, std::memory_order_relaxed) < o.requests) {
    if (o.pipeline <= 1) {
      if (o.test == "set") co_await client.set(key, value);
      else co_await client.get(key);
    } else {
      redis::Pipeline p;
      for (int i = 0; i < o.pipeline; ++i) {
        if (o.test == "set") p.set(key, value);
        else p.get(key);
      }
      auto replies = co_await client.execute(std::move(p));
      for (auto& r : replies) r.throw_if_error("bench");
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  const Options o = parse(argc, argv);
  spdlog::set_level(spdlog::level::warn);
  auto loaded = infra::load_config<redis::Config>([&](std::string_view name) -> std::optional<std::string> {
    if (name == "REDIS_URL") return "redis://" + o.host + ":" + std::to_string(o.port) + "/0";
    if (name == "REDIS_CONNECTIONS") return std::to_string(o.connections);
    return std::nullopt;
  });
  if (!loaded.ok()) {
    std::fprintf(stderr, "redis_bench: %s\n", loaded.problems[0].to_string().c_str());
    return 2;
  }
  infra::Runtime runtime(RuntimeOptions{.io_threads = static_cast<std::size_t>(o.io_threads), .blocking_threads = 1});
  runtime.start();
  auto client = std::make_shared<redis::Client>(loaded.config.get<redis::Config>(), runtime);
  try {
    asio::co_spawn(runtime.io_context(0), client->start(), asio::use_future).get();
    const std::string key = "key:__rand_int__";  // redis-benchmark's key without -r
    const std::string value(static_cast<std::size_t>(o.data_size), 'x');
    if (o.test == "get") asio::co_spawn(runtime.io_context(0), client->set(key, value), asio::use_future).get();

    std::atomic<long> issued{0};
    const auto t0 = std::chrono::steady_clock::now();
    std::vector<std::future<void>> tasks;
    for (int i = 0; i < o.clients; ++i) {
      tasks.push_back(asio::co_spawn(runtime.io_context(static_cast<std::size_t>(i % o.io_threads)),
                                     worker(*client, o, issued, key, value), asio::use_future));
    }
    for (auto& t : tasks) t.get();
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::printf("%s: %.2f requests per second\n", o.test == "set" ? "SET" : "GET",
                static_cast<double>(o.requests) / seconds);
    asio::co_spawn(runtime.io_context(0), client->stop(), asio::use_future).get();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "redis_bench: %s\n", e.what());
    return 1;
  }
  client.reset();
  runtime.join();
  return 0;
}
