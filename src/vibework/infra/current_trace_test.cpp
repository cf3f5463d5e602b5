#include "vibework/infra/current_trace.hpp"

#include <sstream>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/json/parse.hpp>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <spdlog/logger.h>
#include <spdlog/sinks/ostream_sink.h>

#include "vibework/infra/async/run_on.hpp"
#include "vibework/infra/logging.hpp"
#include "vibework/infra/timeout.hpp"

using namespace vibework;
using namespace std::chrono_literals;
using ::testing::HasSubstr;
using ::testing::Not;

namespace {
std::string current_id() {
  const auto* t = infra::current_trace();
  return t == nullptr ? std::string("-") : std::string(t->trace_id_hex());
}

// A logger writing with vibework's formatter into a string.
struct CapturedLog {
  std::ostringstream out;
  std::shared_ptr<spdlog::logger> logger;
  explicit CapturedLog(bool json) {
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(out);
    logger = std::make_shared<spdlog::logger>("test", sink);
    logger->set_formatter(infra::log_formatter(json));
  }
  std::vector<std::string> lines() const {
    std::vector<std::string> all;
    std::istringstream in(out.str());
    for (std::string line; std::getline(in, line);) all.push_back(line);
    return all;
  }
};

awaitable<void> pause(std::chrono::milliseconds d) {
  asio::steady_timer timer(co_await asio::this_coro::executor, d);
  co_await timer.async_wait(use_awaitable);
}

// One "request": resumes many times, interleaved with the other one, through every kind of
// suspension the connectors use: a timer, with_timeout's child coroutine, a blocking-pool
// hand-off (another thread) and a coroutine hop to another io_context (another I/O thread).
awaitable<void> request(std::string name, std::chrono::milliseconds step, asio::thread_pool& pool,
                        asio::io_context& other_io, CapturedLog& log, std::vector<std::string>& seen) {
  for (int i = 0; i < 5; ++i) {
    co_await pause(step);
    seen.push_back(current_id());
    log.logger->info("{} step {}", name, i);
  }
  co_await infra::with_timeout(pause(step), 1000ms, "test", "pause");
  seen.push_back(current_id());
  auto on_pool = [] { return current_id(); };
  seen.push_back(co_await infra::run_on(pool.get_executor(), std::move(on_pool)));
  seen.push_back(current_id());
  auto on_other = [&log, name]() -> awaitable<std::string> {
    co_await pause(1ms);
    log.logger->info("{} on the other I/O thread", name);
    co_return current_id();
  };
  seen.push_back(co_await infra::run_on(other_io.get_executor(), std::move(on_other)));
  seen.push_back(current_id());
  log.logger->info("{} done", name);
}
}  // namespace

TEST(CurrentTrace, ScopesNestAndRestore) {
  EXPECT_EQ(infra::current_trace(), nullptr);
  const auto a = std::make_shared<infra::TraceCell>(infra::start_trace());
  const auto b = std::make_shared<infra::TraceCell>(infra::start_trace());
  {
    infra::TraceScope outer(a);
    EXPECT_EQ(infra::current_trace(), a->get());
    {
      infra::TraceScope inner(b);
      EXPECT_EQ(infra::current_trace(), b->get());
      infra::TraceScope none(nullptr);
      EXPECT_EQ(infra::current_trace(), nullptr);
    }
    EXPECT_EQ(infra::current_trace_cell(), a);
    const auto pinned = infra::pinned_current_trace();
    ASSERT_NE(pinned, nullptr);
    EXPECT_NE(pinned, a) << "a copy";
    EXPECT_EQ(*pinned->get(), *a->get());
    a->clear();
    EXPECT_EQ(infra::current_trace(), nullptr) << "a cleared cell is no trace";
    EXPECT_EQ(infra::pinned_current_trace(), nullptr);
  }
  EXPECT_EQ(infra::current_trace(), nullptr);
}

TEST(CurrentTrace, FollowsEachOfTwoInterleavedRequestsAcrossSuspensionsAndThreads) {
  asio::io_context io;
  asio::io_context other_io;
  auto other_work = asio::make_work_guard(other_io);
  std::thread other_thread([&] { other_io.run(); });
  asio::thread_pool pool(2);
  CapturedLog log(false);

  const auto a = infra::start_trace();
  const auto b = infra::start_trace();
  std::vector<std::string> seen_a, seen_b;
  // Steps of 3 and 4 ms: the two resume in alternation on the one thread running `io`.
  auto done_a = asio::co_spawn(infra::traced(io.get_executor(), a), request("A", 3ms, pool, other_io, log, seen_a),
                               asio::use_future);
  auto done_b = asio::co_spawn(infra::traced(io.get_executor(), b), request("B", 4ms, pool, other_io, log, seen_b),
                               asio::use_future);
  io.run_for(10s);
  other_work.reset();
  other_thread.join();
  pool.join();
  ASSERT_EQ(done_a.wait_for(0s), std::future_status::ready);
  ASSERT_EQ(done_b.wait_for(0s), std::future_status::ready);
  done_a.get();
  done_b.get();

  EXPECT_EQ(infra::current_trace(), nullptr) << "nothing left installed on the thread";
  EXPECT_THAT(seen_a, ::testing::Each(std::string(a.trace_id_hex())));
  EXPECT_THAT(seen_b, ::testing::Each(std::string(b.trace_id_hex())));
  EXPECT_EQ(seen_a.size(), 10u);

  const auto lines = log.lines();
  ASSERT_EQ(lines.size(), 14u) << log.out.str();
  bool interleaved = false;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const bool is_a = lines[i].find("] A ") != std::string::npos;
    const auto& mine = is_a ? a : b;
    const auto& theirs = is_a ? b : a;
    EXPECT_THAT(lines[i], HasSubstr(" trace=" + std::string(mine.trace_id_hex())));
    EXPECT_THAT(lines[i], Not(HasSubstr(std::string(theirs.trace_id_hex()))));
    if (i > 0 && is_a != (lines[i - 1].find("] A ") != std::string::npos)) interleaved = true;
  }
  EXPECT_TRUE(interleaved) << "the test needs the two to alternate:\n" << log.out.str();
}

TEST(CurrentTrace, LinesOutsideTracedWorkHaveNoTraceField) {
  CapturedLog text(false);
  text.logger->info("plain");
  EXPECT_THAT(text.out.str(), Not(HasSubstr("trace=")));
  EXPECT_THAT(text.out.str(), ::testing::EndsWith("[test] plain\n"));

  CapturedLog json(true);
  json.logger->info("plain");
  const auto line = boost::json::parse(json.out.str()).as_object();
  EXPECT_FALSE(line.contains("trace_id"));
  // RFC 3339 UTC with milliseconds, e.g. 2026-11-29T04:00:00.123Z.
  EXPECT_THAT(std::string(line.at("time").as_string()),
              ::testing::MatchesRegex("[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}Z"));
}

TEST(CurrentTrace, JsonLinesCarryTraceAndSpanIds) {
  CapturedLog json(true);
  const auto cell = std::make_shared<infra::TraceCell>(infra::start_trace());
  const auto* t = cell->get();
  {
    infra::TraceScope scope(cell);
    json.logger->info("hello");
    json.logger->info("{}", R"({"msg":"request","status":200})");
  }
  const auto lines = json.lines();
  ASSERT_EQ(lines.size(), 2u) << json.out.str();
  for (const auto& line : lines) {
    const auto v = boost::json::parse(line).as_object();
    EXPECT_EQ(v.at("trace_id").as_string(), t->trace_id_hex()) << line;
    EXPECT_EQ(v.at("span_id").as_string(), t->span_id_hex()) << line;
  }
  EXPECT_EQ(boost::json::parse(lines[1]).at("status").as_int64(), 200) << "merged fields stay";
}

TEST(CurrentTrace, TracedReplacesAndUntracedRemovesTheTrace) {
  asio::io_context io;
  const auto a = infra::start_trace();
  const auto b = infra::start_trace();
  const auto ex = infra::traced(infra::traced(io.get_executor(), a), b);
  ASSERT_NE(ex.target<infra::TracedExecutor<asio::io_context::executor_type>>(), nullptr)
      << "an io_context executor is wrapped as itself, not as an any_io_executor";
  EXPECT_EQ(ex.target<infra::TracedExecutor<asio::io_context::executor_type>>()->cell()->get()->trace_id_hex(),
            b.trace_id_hex());
  EXPECT_NE(infra::untraced(ex).target<asio::io_context::executor_type>(), nullptr);

  std::string seen;
  asio::post(ex, [&] { seen = current_id(); });
  io.run();
  EXPECT_EQ(seen, b.trace_id_hex());
  EXPECT_EQ(infra::current_trace(), nullptr);
}

// A connection's cell moves on to its next request; an operation with_timeout gave up on keeps
// logging under the trace it started in, not the next request's.
TEST(CurrentTrace, WorkLeftRunningByWithTimeoutKeepsItsTraceWhenTheCellMovesOn) {
  asio::io_context io;
  const auto first = infra::start_trace();
  const auto second = infra::start_trace();
  auto cell = std::make_shared<infra::TraceCell>(first);
  std::string late, after_timeout, in_next;
  auto slow = [&late]() -> awaitable<void> {
    co_await asio::this_coro::reset_cancellation_state(asio::disable_cancellation());  // a hung driver call
    co_await pause(50ms);
    late = current_id();
  };
  auto connection = [&]() -> awaitable<void> {
    try {
      co_await infra::with_timeout(slow(), 5ms, "test", "slow");
    } catch (const infra::TimeoutError&) {
      after_timeout = current_id();
    }
    cell->set(second);  // the next request
    co_await pause(100ms);
    in_next = current_id();
  };
  asio::co_spawn(infra::traced(io.get_executor(), cell), connection(), asio::detached);
  io.run_for(5s);
  EXPECT_EQ(after_timeout, first.trace_id_hex());
  EXPECT_EQ(late, first.trace_id_hex()) << "the abandoned operation keeps its own trace";
  EXPECT_EQ(in_next, second.trace_id_hex());
}
