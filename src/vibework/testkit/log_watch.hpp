#pragma once
// Test helper: counts the lines logged through spdlog's default logger that contain a phrase,
// for events the code under test only reports in its log ("lost the connection", "serving from
// the loaders"): wait for them with testkit::eventually, or count them.
//
//   testkit::LogWatch lost("lost the connection to 127.0.0.1:" + std::to_string(port));
//   ... kill the server ...
//   ASSERT_TRUE(testkit::eventually([&] { return lost.count() == 2; }, 5s));
//
// spdlog's list of sinks must not change while another thread logs: create the watch before
// the code under test starts and let it go after that code has stopped.
#include <algorithm>
#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>

namespace vibework::testkit {

class LogWatch {
 public:
  explicit LogWatch(std::string phrase) : sink_(std::make_shared<Sink>(std::move(phrase))) {
    spdlog::default_logger()->sinks().push_back(sink_);
  }
  ~LogWatch() {
    auto& sinks = spdlog::default_logger()->sinks();
    sinks.erase(std::remove(sinks.begin(), sinks.end(), sink_), sinks.end());
  }
  LogWatch(const LogWatch&) = delete;
  LogWatch& operator=(const LogWatch&) = delete;

  int count() const { return sink_->count.load(); }

 private:
  struct Sink final : spdlog::sinks::base_sink<std::mutex> {
    explicit Sink(std::string p) : phrase(std::move(p)) {}
    void sink_it_(const spdlog::details::log_msg& msg) override {
      if (std::string_view(msg.payload.data(), msg.payload.size()).find(phrase) != std::string_view::npos) ++count;
    }
    void flush_() override {}
    const std::string phrase;
    std::atomic<int> count{0};
  };
  std::shared_ptr<Sink> sink_;
};

}  // namespace vibework::testkit
