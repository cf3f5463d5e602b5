// Pub/Sub benchmark against the emulator (PUBSUB_EMULATOR_HOST):
//  1. publish throughput: N messages of S bytes, at most C publish() calls in flight;
//  2. end-to-end latency: messages published at a fixed rate while a subscriber acks them;
//     latency = ack time - publish start (same process, steady clock), p50/p99.
// Prints one JSON line. The Node script bench/pubsub/node/bench.js runs the same workload.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <future>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_future.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "vibework/pubsub/config.hpp"
#include "vibework/pubsub/admin.hpp"
#include "vibework/pubsub/rest_client.hpp"
#include "vibework/pubsub/publisher.hpp"
#include "vibework/pubsub/subscriber.hpp"

using namespace vibework;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

namespace {

long arg(int argc, char** argv, const char* name, long fallback) {
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::string(argv[i]) == name) return std::atol(argv[i + 1]);
  }
  return fallback;
}

std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch()).count();
}

struct Threads {
  explicit Threads(std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) contexts.push_back(std::make_unique<asio::io_context>(1));
    for (auto& c : contexts) guards.emplace_back(c->get_executor());
    for (auto& c : contexts) threads.emplace_back([ctx = c.get()] { ctx->run(); });
  }
  ~Threads() {
    guards.clear();
    for (auto& t : threads) t.join();
  }
  std::vector<std::unique_ptr<asio::io_context>> contexts;
  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> guards;
  std::vector<std::thread> threads;
};

template <typename T>
T run(asio::io_context& ctx, awaitable<T> task) {
  return asio::co_spawn(ctx, std::move(task), asio::use_future).get();
}

struct Window {
  explicit Window(asio::any_io_executor ex) : wake(std::move(ex)) {}
  long in_flight = 0;  // touched on one I/O thread only
  long done = 0;
  asio::steady_timer wake;
};

awaitable<void> publish_one(pubsub::Publisher& publisher, std::string topic, std::string payload, long i, Window& w,
                            std::atomic<long>& failures) {
  try {
    pubsub::Attributes attributes{{"i", std::to_string(i)}};  // named: GCC 12 rejects a braced list in co_await
    co_await publisher.publish(std::move(topic), std::move(payload), std::move(attributes));
  } catch (const std::exception& e) {
    if (failures++ == 0) fmt::print(stderr, "publish failed: {}\n", e.what());
  }
  --w.in_flight;
  ++w.done;
  w.wake.cancel();
}

// One worker: publishes its share of messages, `window` at a time.
awaitable<void> publish_worker(pubsub::Publisher& publisher, std::string topic, std::string payload, long count,
                               long window, std::atomic<long>& failures) {
  auto ex = co_await asio::this_coro::executor;
  Window w(ex);
  boost::system::error_code ec;
  for (long i = 0; i < count; ++i) {
    while (w.in_flight >= window) {
      w.wake.expires_at(Clock::time_point::max());
      co_await w.wake.async_wait(asio::redirect_error(use_awaitable, ec));
    }
    ++w.in_flight;
    asio::co_spawn(ex, publish_one(publisher, topic, payload, i, w, failures), asio::detached);
  }
  while (w.done < count) {
    w.wake.expires_at(Clock::time_point::max());
    co_await w.wake.async_wait(asio::redirect_error(use_awaitable, ec));
  }
}

awaitable<void> publish_stamped(pubsub::Publisher& publisher, std::string topic, std::string payload) {
  try {
    pubsub::Attributes attributes{{"t0", std::to_string(now_ns())}};
    co_await publisher.publish(std::move(topic), std::move(payload), std::move(attributes));
  } catch (const std::exception& e) {
    fmt::print(stderr, "publish failed: {}\n", e.what());
  }
}

// Publishes `count` messages at `rate` per second, each stamped with its publish start time.
awaitable<void> paced_publisher(pubsub::Publisher& publisher, std::string topic, std::string payload, long count,
                                long rate) {
  auto ex = co_await asio::this_coro::executor;
  asio::steady_timer timer(ex);
  const auto start = Clock::now();
  for (long i = 0; i < count; ++i) {
    timer.expires_at(start + std::chrono::nanoseconds(i * 1'000'000'000L / rate));
    co_await timer.async_wait(use_awaitable);
    asio::co_spawn(ex, publish_stamped(publisher, topic, payload), asio::detached);
  }
}

double percentile(std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size())))];
}

}  // namespace

int main(int argc, char** argv) {
  const long messages = arg(argc, argv, "--messages", 50'000);
  const long size = arg(argc, argv, "--size", 200);
  const long window = arg(argc, argv, "--concurrency", 1'000);
  const long latency_messages = arg(argc, argv, "--latency-messages", 5'000);
  const long rate = arg(argc, argv, "--rate", 1'000);
  const std::size_t threads_n = static_cast<std::size_t>(arg(argc, argv, "--threads", 2));

  if (std::getenv("BENCH_DEBUG")) spdlog::set_level(spdlog::level::debug);
  auto loaded = infra::load_config<pubsub::Config>(infra::process_environment());
  auto config = loaded.config.get<pubsub::Config>();
  if (!config.emulator) {
    fmt::print(stderr, "set PUBSUB_EMULATOR_HOST (the benchmark runs against the emulator)\n");
    return 2;
  }
  Threads threads(threads_n);
  pubsub::RestClient client(config);
  pubsub::Publisher publisher(client, pubsub::PublisherOptions::from(config));
  std::random_device r;
  const auto suffix = fmt::format("{:08x}", r());
  const std::string topic = "bench-vw-" + suffix, sub = "bench-vw-sub-" + suffix;
  const std::string latency_topic = "bench-vw-lat-" + suffix, latency_sub = "bench-vw-lat-sub-" + suffix;
  run(*threads.contexts[0], pubsub::ensure_topic(client, topic));
  run(*threads.contexts[0], pubsub::ensure_subscription(client, sub, topic));
  run(*threads.contexts[0], pubsub::ensure_topic(client, latency_topic));
  run(*threads.contexts[0], pubsub::ensure_subscription(client, latency_sub, latency_topic));
  const std::string payload(static_cast<std::size_t>(size), 'x');

  // 1. Publish throughput.
  std::atomic<long> failures{0};
  const auto t0 = Clock::now();
  std::vector<std::future<void>> workers;
  for (std::size_t i = 0; i < threads_n; ++i) {
    const long share = messages / static_cast<long>(threads_n) + (i == 0 ? messages % static_cast<long>(threads_n) : 0);
    workers.push_back(asio::co_spawn(*threads.contexts[i],
                                     publish_worker(publisher, topic, payload, share,
                                                    window / static_cast<long>(threads_n), failures),
                                     asio::use_future));
  }
  for (auto& w : workers) w.get();
  const double publish_seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  const auto stats = publisher.stats();

  // 2. End-to-end latency at a fixed rate.
  std::mutex mutex;
  std::vector<double> latencies;
  latencies.reserve(static_cast<std::size_t>(latency_messages));
  pubsub::Subscriber subscriber(
      client, latency_sub,
      [&](pubsub::Message& m) -> awaitable<void> {
        m.ack();
        const auto sent = std::stoll(m.attributes["t0"]);
        std::lock_guard lock(mutex);
        latencies.push_back(static_cast<double>(now_ns() - sent) / 1e6);
        co_return;
      },
      pubsub::SubscriberOptions::from(config), threads.contexts[threads_n - 1]->get_executor());
  subscriber.start();
  run(*threads.contexts[0], paced_publisher(publisher, latency_topic, payload, latency_messages, rate));
  const auto deadline = Clock::now() + 60s;
  while (Clock::now() < deadline) {
    {
      std::lock_guard lock(mutex);
      if (static_cast<long>(latencies.size()) >= latency_messages) break;
    }
    std::this_thread::sleep_for(10ms);
  }
  run(*threads.contexts[0], subscriber.stop());
  run(*threads.contexts[0], publisher.flush());
  std::vector<double> lat;
  {
    std::lock_guard lock(mutex);
    lat = latencies;
  }
  if (const char* dump = std::getenv("BENCH_DUMP")) {  // latencies in arrival order, for plots
    if (std::FILE* f = std::fopen(dump, "w")) {
      for (double v : lat) std::fprintf(f, "%.3f\n", v);
      std::fclose(f);
    }
  }
  run(*threads.contexts[0], pubsub::delete_subscription(client, sub));
  run(*threads.contexts[0], pubsub::delete_subscription(client, latency_sub));
  run(*threads.contexts[0], pubsub::delete_topic(client, topic));
  run(*threads.contexts[0], pubsub::delete_topic(client, latency_topic));

  fmt::print(
      "{{\"client\":\"vibework\",\"messages\":{},\"size\":{},\"concurrency\":{},\"publish_seconds\":{:.3f},"
      "\"publish_msgs_per_s\":{:.0f},\"publish_requests\":{},\"failures\":{},\"latency_messages\":{},\"latency_received\":{},"
      "\"rate\":{},\"e2e_p50_ms\":{:.2f},\"e2e_p99_ms\":{:.2f},\"connections_opened\":{}}}\n",
      messages, size, window, publish_seconds, static_cast<double>(messages) / publish_seconds, stats.requests,
      failures.load(), latency_messages, lat.size(), rate, percentile(lat, 0.50), percentile(lat, 0.99),
      client.connections_opened());
  return failures.load() == 0 && static_cast<long>(lat.size()) == latency_messages ? 0 : 1;
}
