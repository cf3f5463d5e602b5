#include "vibework/redis/connection.hpp"

#include <random>

#include <boost/asio/connect.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/write.hpp>
#include <boost/system/system_error.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "vibework/infra/errors.hpp"

namespace vibework::redis {

using Clock = std::chrono::steady_clock;
using boost::system::error_code;

namespace {
constexpr std::size_t kReadBufferSize = 64 * 1024;

std::string describe(const std::exception& e) {
  if (auto* se = dynamic_cast<const boost::system::system_error*>(&e)) {
    if (se->code() == asio::error::eof) return "the server closed the connection";
    if (se->code() == asio::error::connection_refused) return "connection refused";
    return se->code().message();
  }
  if (auto* ie = dynamic_cast<const infra::Error*>(&e)) return ie->message();
  return e.what();
}

// Pub/sub pushes ("message" / "pmessage" arrays) are not replies to a command.
bool is_push(const Reply& r) {
  if (!r.is_array() || r.elements().size() < 3 || !r.elements()[0].is_string()) return false;
  const auto& kind = r.elements()[0].text();
  return kind == "message" || kind == "pmessage";
}

std::string encode(std::initializer_list<std::string_view> args) {
  std::string out;
  append_command(out, args);
  return out;
}
}  // namespace

Connection::Connection(Executor ex, ConnectionOptions options)
    : ex_(ex),
      options_(std::move(options)),
      resolver_(ex),
      socket_(ex),
      read_buffer_(kReadBufferSize),
      deadlines_(infra::DeadlineSweep::of(ex)),
      connect_guard_(ex),
      backoff_timer_(ex),
      state_changed_(ex),
      backoff_(options_.reconnect_min, options_.reconnect_max, std::random_device{}()) {
  state_changed_.expires_at(Clock::time_point::max());
}

Connection::~Connection() = default;

std::string Connection::address() const {
  return fmt::format("{}:{}/{}", options_.host, options_.port, options_.db);
}

void Connection::start() {
  if (supervisor_running_ || closing_) return;
  supervisor_running_ = true;
  asio::co_spawn(ex_, [self = shared_from_this()] { return self->supervise(); }, asio::detached);
}

// --- the supervisor: connect, read, reconnect ----------------------------------------------

awaitable<void> Connection::supervise() {
  bool ever_connected = false;
  while (!closing_) {
    bool was_connected = false;
    try {
      co_await connect_once();
      was_connected = true;
      if (ever_connected) {
        spdlog::info("{}: reconnected to {}", options_.name, address());
        reconnects_.inc();
      }
      ever_connected = true;
      backoff_.reset();
      connected_.store(true, std::memory_order_relaxed);
      state_changed_.cancel();
      if (on_connected_) on_connected_();
      promote_waiting();
      co_await read_loop();  // ends only by an exception
    } catch (const infra::Error& e) {
      last_error_ = close_reason_.empty() ? e.message() : close_reason_;
      last_hint_ = e.hint();
      last_refused_ = dynamic_cast<const ServerRefusedError*>(&e) != nullptr;
    } catch (const std::exception& e) {
      last_error_ = close_reason_.empty() ? describe(e) : close_reason_;
      last_hint_ = infra::hints::start_local_services;
      last_refused_ = false;
    }
    close_reason_.clear();
    connected_.store(false, std::memory_order_relaxed);
    close_socket();
    fail_pending(unavailable_error());
    state_changed_.cancel();
    if (closing_) break;

    const auto attempt = backoff_.attempts();
    const auto delay = backoff_.next();
    if (was_connected) {
      spdlog::warn("{}: lost the connection to {} ({}); reconnecting", options_.name, address(), last_error_);
    } else if (attempt == 0) {
      spdlog::warn("{}: cannot connect to {} ({}); retrying in the background", options_.name, address(), last_error_);
    } else {
      spdlog::debug("{}: reconnect attempt {} to {} failed ({}); next in {} ms", options_.name, attempt, address(),
                    last_error_, delay.count());
    }
    backoff_timer_.expires_after(delay);
    error_code ec;
    co_await backoff_timer_.async_wait(asio::redirect_error(use_awaitable, ec));
  }
  supervisor_running_ = false;
  connected_.store(false, std::memory_order_relaxed);
  fail_waiting(unavailable_error());
  state_changed_.cancel();
}

awaitable<void> Connection::connect_once() {
  auto self = shared_from_this();
  parser_.reset();
  connect_timed_out_ = false;
  connect_guard_.expires_after(options_.connect_timeout);
  connect_guard_.async_wait([self](error_code ec) {
    if (ec) return;
    self->connect_timed_out_ = true;
    self->resolver_.cancel();
    self->close_socket();
  });
  // The guard closes the socket on the deadline; a range connect may reopen it for the next
  // address, so the flag is checked after every step as well.
  auto check_deadline = [this] {
    if (connect_timed_out_) throw boost::system::system_error(asio::error::timed_out);
  };
  try {
    auto endpoints = co_await resolver_.async_resolve(options_.host, std::to_string(options_.port), use_awaitable);
    check_deadline();
    if (closing_) throw boost::system::system_error(asio::error::operation_aborted);
    co_await asio::async_connect(socket_, endpoints, use_awaitable);
    check_deadline();
    socket_.set_option(asio::ip::tcp::no_delay(true));

    std::string hello;
    if (options_.password) {
      if (options_.username) append_command(hello, {"AUTH", *options_.username, *options_.password});
      else append_command(hello, {"AUTH", *options_.password});
    }
    const std::string db = std::to_string(options_.db);
    if (options_.db != 0) append_command(hello, {"SELECT", db});
    append_command(hello, {"PING"});
    co_await asio::async_write(socket_, asio::buffer(hello), use_awaitable);
    check_deadline();

    if (options_.password) {
      Reply r = co_await read_one();
      if (r.is_error()) {
        throw ServerRefusedError("redis", fmt::format("the server refused AUTH: {}", r.text()),
                               "check the user and password in REDIS_URL (redis://user:password@host:port/db)");
      }
    }
    if (options_.db != 0) {
      Reply r = co_await read_one();
      if (r.is_error()) {
        throw ServerRefusedError("redis", fmt::format("the server refused SELECT {}: {}", db, r.text()),
                               "the database number in REDIS_URL must be below the server's `databases` setting (16 by default)");
      }
    }
    Reply pong = co_await read_one();
    check_deadline();
    if (pong.is_error()) {
      const bool auth = pong.text().rfind("NOAUTH", 0) == 0;
      throw ServerRefusedError("redis", fmt::format("the server refused PING: {}", pong.text()),
                             auth ? "the server requires a password: put it in REDIS_URL (redis://:password@host:port/db)"
                                  : "is REDIS_URL pointing at a Redis server?");
    }
  } catch (const boost::system::system_error&) {
    connect_guard_.cancel();
    if (connect_timed_out_) {
      throw infra::UnreachableError("redis",
                             fmt::format("no answer within {} ms (connect, AUTH/SELECT, PING)", options_.connect_timeout.count()),
                             "is the server overloaded or stopped? check it with redis-cli -h HOST -p PORT ping; "
                             "REDIS_CONNECT_TIMEOUT_MS sets this limit");
    }
    throw;
  } catch (...) {
    connect_guard_.cancel();
    throw;
  }
  connect_guard_.cancel();
}

awaitable<Reply> Connection::read_one() {
  for (;;) {
    if (auto r = parser_.next()) co_return std::move(*r);
    const std::size_t n = co_await socket_.async_read_some(asio::buffer(read_buffer_), use_awaitable);
    if (connect_timed_out_) throw boost::system::system_error(asio::error::timed_out);
    parser_.feed(read_buffer_.data(), n);
  }
}

awaitable<void> Connection::read_loop() {
  auto self = shared_from_this();
  while (auto r = parser_.next()) dispatch(std::move(*r));
  for (;;) {
    const std::size_t n = co_await socket_.async_read_some(asio::buffer(read_buffer_), use_awaitable);
    parser_.feed(read_buffer_.data(), n);
    while (auto r = parser_.next()) dispatch(std::move(*r));
  }
}

void Connection::dispatch(Reply&& reply) {
  if (on_push_ && options_.subscriber && is_push(reply)) {
    on_push_(std::move(reply));
    return;
  }
  if (pending_.empty()) {
    throw infra::ProtocolError("redis", fmt::format("{} sent a reply no command was waiting for: {}", address(),
                                             reply.debug_string()));
  }
  Pending& p = pending_.front();
  if (p.expected <= 1) {
    auto done = std::move(p.done);
    pending_.pop_front();
    done->complete(nullptr, std::move(reply));
  } else {
    p.collected.push_back(std::move(reply));
    if (p.collected.size() < p.expected) return;
    auto done = std::move(p.done);
    auto all = Reply::make_array(std::move(p.collected));
    pending_.pop_front();
    done->complete(nullptr, std::move(all));
  }
  if (closing_ && pending_.empty()) state_changed_.cancel();
}

// --- commands ------------------------------------------------------------------------------

void Connection::submit(std::string_view bytes, std::uint32_t replies, std::unique_ptr<ReplyCompletion> done) {
  if (closing_) {
    done->complete(std::make_exception_ptr(infra::UnavailableError(
                       "redis", fmt::format("the client for {} is closing", address()),
                       "the service is shutting down; this command was not sent")),
                   Reply{});
    return;
  }
  if (connected_.load(std::memory_order_relaxed)) {
    enqueue(bytes, replies, std::move(done));
    return;
  }
  if (options_.offline_wait.count() > 0) {
    waiting_.push_back(Waiting{std::string(bytes), replies, std::move(done), Clock::now() + options_.offline_wait});
    arm_watchdog();
    return;
  }
  done->complete(unavailable_error(), Reply{});
}

awaitable<Reply> Connection::execute(std::string bytes, std::uint32_t replies) {
  auto submit_here = [this, &bytes, replies](std::unique_ptr<ReplyCompletion> done) {
    submit(bytes, replies, std::move(done));
  };
  co_return co_await infra::suspend_into<Reply>(std::move(submit_here));
}

void Connection::enqueue(std::string_view bytes, std::uint32_t replies, std::unique_ptr<ReplyCompletion> done) {
  pending_.push_back(Pending{std::move(done), replies, {}, Clock::now() + options_.command_timeout});
  out_.append(bytes);
  schedule_flush();
  arm_watchdog();
}

// Commands issued during one turn of the event loop go out in one write.
void Connection::schedule_flush() {
  if (flush_scheduled_ || writing_) return;
  flush_scheduled_ = true;
  asio::post(ex_, [self = shared_from_this()] {
    self->flush_scheduled_ = false;
    self->flush();
  });
}

void Connection::flush() {
  if (writing_ || out_.empty() || !socket_.is_open()) return;
  writing_ = true;
  sending_.swap(out_);
  asio::async_write(socket_, asio::buffer(sending_), [self = shared_from_this()](error_code ec, std::size_t) {
    self->writing_ = false;
    self->sending_.clear();
    if (ec) {
      self->close_socket();  // the read loop sees it and the supervisor reconnects
      return;
    }
    self->flush();
  });
}

void Connection::promote_waiting() {
  auto waiting = std::move(waiting_);
  waiting_.clear();
  for (auto& w : waiting) enqueue(w.bytes, w.expected, std::move(w.done));
}

// --- deadlines -----------------------------------------------------------------------------

void Connection::arm_watchdog() {
  auto next = Clock::time_point::max();
  if (!pending_.empty()) next = pending_.front().deadline;
  if (!waiting_.empty()) next = std::min(next, waiting_.front().deadline);
  if (next == Clock::time_point::max()) return;
  // Commands queue in deadline order: usually the watchdog is already due earlier.
  if (watchdog_.scheduled() && watchdog_.deadline() <= next) return;
  deadlines_.schedule(watchdog_, next);
}

void Connection::Watchdog::on_deadline() {
  auto self = owner.shared_from_this();  // failing commands may drop the last other reference
  owner.on_watchdog();
}

void Connection::on_watchdog() {
  const auto now = Clock::now();
  while (!waiting_.empty() && waiting_.front().deadline <= now) {
    auto done = std::move(waiting_.front().done);
    waiting_.pop_front();
    done->complete(std::make_exception_ptr(infra::UnreachableError(
                       "redis",
                       fmt::format("not connected to {} ({}); waited {} ms (REDIS_OFFLINE_WAIT_MS) for it to come back",
                                   address(), last_error_, options_.offline_wait.count()),
                       last_hint_)),
                   Reply{});
  }
  if (!pending_.empty() && pending_.front().deadline <= now) {
    // Replies are ordered: once one is late, every later one is too, and the stream cannot be
    // resynchronised. Fail them all and start over on a fresh connection.
    const std::size_t n = pending_.size();
    close_reason_ = fmt::format("no reply within {} ms", options_.command_timeout.count());
    spdlog::warn("{}: {} from {} ({} command(s) waiting); closing the connection and reconnecting", options_.name,
                 close_reason_, address(), n);
    fail_pending(std::make_exception_ptr(infra::TimeoutError(
        "redis",
        fmt::format("no reply from {} within {} ms (REDIS_COMMAND_TIMEOUT_MS)", address(),
                    options_.command_timeout.count()),
        "the server may be overloaded, blocked by a slow command (see SLOWLOG GET) or stopped; "
        "the connection is being reopened")));
    close_socket();
  }
  arm_watchdog();
}

void Connection::fail_pending(const std::exception_ptr& error) {
  auto failed = std::move(pending_);
  pending_.clear();
  out_.clear();
  for (auto& p : failed) p.done->complete(error, Reply{});
  if (closing_) state_changed_.cancel();
}

void Connection::fail_waiting(const std::exception_ptr& error) {
  auto failed = std::move(waiting_);
  waiting_.clear();
  for (auto& w : failed) w.done->complete(error, Reply{});
}

std::exception_ptr Connection::unavailable_error() const {
  if (closing_) {
    return std::make_exception_ptr(infra::UnavailableError("redis", fmt::format("the client for {} is closed", address()),
                                                    "the service is shutting down"));
  }
  auto message = fmt::format("not connected to {} ({}); reconnecting in the background", address(), last_error_);
  if (last_refused_) return std::make_exception_ptr(ServerRefusedError("redis", std::move(message), last_hint_));
  return std::make_exception_ptr(infra::UnreachableError("redis", std::move(message), last_hint_));
}

void Connection::close_socket() {
  error_code ignored;
  if (socket_.is_open()) {
    socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
  }
}

// --- waiting for state -------------------------------------------------------------------

awaitable<bool> Connection::wait_connected(std::chrono::milliseconds limit) {
  auto self = shared_from_this();
  const auto deadline = Clock::now() + limit;
  asio::steady_timer limit_timer(ex_, deadline);
  limit_timer.async_wait([self](error_code ec) {
    if (!ec) self->state_changed_.cancel();
  });
  error_code ec;
  while (!connected() && !closing_ && Clock::now() < deadline) {
    co_await state_changed_.async_wait(asio::redirect_error(use_awaitable, ec));
  }
  co_return connected();
}

awaitable<void> Connection::close() {
  auto self = shared_from_this();
  error_code ec;
  if (!closing_) {
    closing_ = true;
    fail_waiting(unavailable_error());
    while (connected() && !pending_.empty()) {
      co_await state_changed_.async_wait(asio::redirect_error(use_awaitable, ec));
    }
    if (connected()) {
      // QUIT after the pending replies: the server answers +OK and closes its side. Bounded by
      // the command timeout like any command.
      try {
        const std::string quit = encode({"QUIT"});
        auto send_quit = [this, &quit](std::unique_ptr<ReplyCompletion> done) { enqueue(quit, 1, std::move(done)); };
        co_await infra::suspend_into<Reply>(std::move(send_quit));
      } catch (const std::exception& e) {
        spdlog::debug("{}: QUIT failed: {}", options_.name, e.what());
      }
    }
    close_socket();
    resolver_.cancel();
    backoff_timer_.cancel();
  }
  while (supervisor_running_) {
    co_await state_changed_.async_wait(asio::redirect_error(use_awaitable, ec));
  }
  deadlines_.cancel(watchdog_);
}

void Connection::abort() {
  closing_ = true;
  fail_waiting(unavailable_error());
  fail_pending(unavailable_error());
  close_socket();
  resolver_.cancel();
  backoff_timer_.cancel();
  deadlines_.cancel(watchdog_);
  state_changed_.cancel();
}

}  // namespace vibework::redis
