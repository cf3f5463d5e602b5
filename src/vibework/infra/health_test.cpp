#include "vibework/infra/health.hpp"

#include "vibework/infra/errors.hpp"

#include <atomic>

#include <boost/asio/steady_timer.hpp>
#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "vibework/testkit/async.hpp"

using namespace vibework;
using namespace std::chrono_literals;
using infra::HealthStatus;
using infra::Readiness;

namespace {
infra::HealthProbe ok_after(std::chrono::milliseconds delay) {
  return [delay]() -> awaitable<void> {
    asio::steady_timer t(co_await asio::this_coro::executor, delay);
    co_await t.async_wait(use_awaitable);
  };
}
infra::HealthProbe hangs() { return ok_after(1h); }
infra::HealthProbe throws() {
  return []() -> awaitable<void> {
    throw std::runtime_error("connection refused");
    co_return;
  };
}
}  // namespace

TEST(Readiness, EmptyRegistryIsReady) {
  Readiness r(5000ms);
  auto report = testkit::run_async(r.report());
  EXPECT_TRUE(report.ok);
  EXPECT_EQ(boost::json::serialize(report.to_json(infra::HealthDetails::full)), R"({"status":"ok","checks":{}})");
}

// Each check waits until all three have started: run one after another, the first would wait
// for the others until its timeout. Events, not durations, show the parallelism.
TEST(Readiness, RunsChecksInParallel) {
  Readiness r(5000ms);
  auto started = std::make_shared<std::atomic<int>>(0);
  auto rendezvous = [started]() -> awaitable<void> {
    ++*started;
    asio::steady_timer t(co_await asio::this_coro::executor);
    while (*started < 3) {
      t.expires_after(1ms);
      co_await t.async_wait(use_awaitable);
    }
  };
  r.add({"a", "", rendezvous, ""});
  r.add({"b", "", rendezvous, ""});
  r.add({"c", "", rendezvous, ""});
  auto report = testkit::run_async(r.report(), 30s);
  ASSERT_EQ(report.checks.size(), 3u);
  for (const auto& c : report.checks) EXPECT_TRUE(c.status.is_ok()) << c.name << ": " << c.status.message;
  EXPECT_TRUE(report.ok);
}

TEST(Readiness, ACheckReportsHowLongItTook) {
  Readiness r(5000ms);
  r.add({"slow", "", ok_after(300ms), ""});
  auto report = testkit::run_async(r.report());
  ASSERT_EQ(report.checks.size(), 1u);
  EXPECT_GE(report.checks[0].status.latency, 290ms) << "a lower bound: the timer cannot fire early";
}

TEST(Readiness, HangingCheckIsReportedAsTimeoutWithoutWaitingForIt) {
  Readiness r(100ms);
  r.add({"fast", "", ok_after(1ms), ""});
  r.add({"stuck", "", hangs(), ""});
  auto report = testkit::run_async(r.report(), 5s);
  EXPECT_FALSE(report.ok);
  EXPECT_TRUE(report.checks[0].status.is_ok());
  EXPECT_FALSE(report.checks[1].status.is_ok());
  EXPECT_EQ(report.checks[1].status.message, "timed out after 100 ms");
}

TEST(Readiness, ThrowingCheckBecomesAnErrorStatus) {
  Readiness r(1000ms);
  r.add({"mysql", "localhost:3306", throws(), ""});
  auto report = testkit::run_async(r.report());
  EXPECT_FALSE(report.ok);
  auto json = report.to_json(infra::HealthDetails::full);
  EXPECT_EQ(json.at("status").as_string(), "error");
  EXPECT_EQ(json.at("checks").at("mysql").at("status").as_string(), "error");
  EXPECT_EQ(json.at("checks").at("mysql").at("message").as_string(), "connection refused");
}

TEST(Readiness, ShuttingDownIsNotReady) {
  Readiness r(1000ms);
  r.add({"a", "", ok_after(1ms), ""});
  r.set_shutting_down();
  auto report = testkit::run_async(r.report());
  EXPECT_FALSE(report.ok);
  EXPECT_EQ(report.to_json(infra::HealthDetails::full).at("status").as_string(), "error");
}

TEST(Readiness, AnInfraErrorBecomesItsMessageAndHint) {
  Readiness r(1000ms);
  r.add({"redis", "", []() -> awaitable<void> {
           throw infra::UnreachableError("redis", "connection refused at localhost:6379", "start it");
           co_return;
         },
         ""});
  auto report = testkit::run_async(r.report());
  ASSERT_EQ(report.checks.size(), 1u);
  EXPECT_EQ(report.checks[0].status.message, "connection refused at localhost:6379; start it");
  EXPECT_EQ(report.checks[0].status.hint, "start it");
}

TEST(Readiness, JsonShape) {
  Readiness r(1000ms);
  r.add({"redis", "", ok_after(1ms), ""});
  auto json = testkit::run_async(r.report()).to_json(infra::HealthDetails::full);
  EXPECT_EQ(json.at("status").as_string(), "ok");
  EXPECT_EQ(json.at("checks").at("redis").at("status").as_string(), "ok");
  EXPECT_TRUE(json.at("checks").at("redis").at("latencyMs").is_int64());
}

TEST(Readiness, StatusDetailsShowNamesAndStatesOnly) {
  Readiness r(1000ms);
  r.add({"mysql", "db.internal:3306/app", ok_after(1ms), "check MYSQL_HOST"});
  r.add({"redis", "cache.internal:6379/0", throws(), "is it running?"});
  const auto report = testkit::run_async(r.report());
  EXPECT_EQ(boost::json::serialize(report.to_json(infra::HealthDetails::status)),
            R"({"status":"error","checks":{"mysql":{"status":"ok"},"redis":{"status":"error"}}})");
}

TEST(Readiness, FullDetailsShowLatencyAndTheFailureMessage) {
  Readiness r(1000ms);
  r.add({"redis", "cache.internal:6379/0", throws(), "is it running?"});
  const auto json = testkit::run_async(r.report()).to_json(infra::HealthDetails::full);
  const auto& redis = json.at("checks").at("redis");
  EXPECT_EQ(redis.at("status").as_string(), "error");
  EXPECT_TRUE(redis.at("latencyMs").is_int64());
  EXPECT_EQ(redis.at("message").as_string(), "connection refused");
}

TEST(Readiness, ShuttingDownSaysSoInEitherDetail) {
  Readiness r(1000ms);
  r.set_shutting_down();
  const auto report = testkit::run_async(r.report());
  for (auto details : {infra::HealthDetails::full, infra::HealthDetails::status}) {
    EXPECT_EQ(boost::json::serialize(report.to_json(details)),
              R"({"status":"error","message":"shutting down","checks":{}})");
  }
}

TEST(Readiness, AFailingNonCriticalCheckDegradesButStaysReady) {
  Readiness r(1000ms);
  r.add({"mysql", "", ok_after(1ms), ""});
  infra::HealthCheck mail{"mail", "smtp.internal:587", throws(), "is the SMTP server up?"};
  mail.critical = false;
  r.add(std::move(mail));
  const auto report = testkit::run_async(r.report());
  EXPECT_TRUE(report.ok);
  EXPECT_TRUE(report.degraded);
  EXPECT_FALSE(report.checks[1].critical);
  EXPECT_EQ(boost::json::serialize(report.to_json(infra::HealthDetails::status)),
            R"({"status":"degraded","checks":{"mysql":{"status":"ok"},"mail":{"status":"error"}}})");
}

TEST(Readiness, ACriticalFailureStillWinsOverDegraded) {
  Readiness r(1000ms);
  infra::HealthCheck mail{"mail", "", throws(), ""};
  mail.critical = false;
  r.add(std::move(mail));
  r.add({"mysql", "", throws(), ""});
  const auto report = testkit::run_async(r.report());
  EXPECT_FALSE(report.ok);
  EXPECT_EQ(report.to_json(infra::HealthDetails::status).at("status").as_string(), "error");
}
