#include "vibework/pubsub/subscriber.hpp"

#include <unordered_map>
#include <unordered_set>
#include <vector>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <boost/system/system_error.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "vibework/infra/async/run_on.hpp"
#include "vibework/infra/current_trace.hpp"
#include "vibework/infra/errors.hpp"
#include "vibework/pubsub/rest_client.hpp"
#include "vibework/pubsub/credentials.hpp"

namespace vibework::pubsub {

namespace json = boost::json;
using Clock = std::chrono::steady_clock;

std::string_view Message::dedup_id() const {
  auto it = attributes.find(MESSAGE_ID_ATTRIBUTE);
  return it == attributes.end() ? std::string_view() : std::string_view(it->second);
}

SubscriberOptions SubscriberOptions::from(const pubsub::Config& c) {
  SubscriberOptions o;
  o.max_outstanding_messages = c.subscriber_max_outstanding_messages;
  o.parallel_pulls = c.subscriber_parallel_pulls;
  o.lease_extension = c.ack_deadline;
  o.max_lease_extension = c.max_lease_extension;
  o.shutdown_timeout = c.subscriber_shutdown_timeout;
  return o;
}

namespace {
struct Lease {
  Clock::time_point received;
  Clock::time_point next_extension;
};

constexpr std::size_t max_ids_per_request = 1'000;

std::optional<Message> parse_received(const json::value& v) {
  if (!v.is_object()) return std::nullopt;
  const auto& o = v.as_object();
  Message m;
  if (const auto* a = o.if_contains("ackId"); a && a->is_string()) m.ack_id = std::string(a->as_string());
  if (m.ack_id.empty()) return std::nullopt;
  if (const auto* d = o.if_contains("deliveryAttempt"); d && d->is_number()) m.delivery_attempt = d->to_number<int>();
  const auto* msg = o.if_contains("message");
  if (!msg || !msg->is_object()) return m;
  const auto& mo = msg->as_object();
  if (const auto* d = mo.if_contains("data"); d && d->is_string()) {
    m.data = base64_decode(d->as_string()).value_or(std::string());
  }
  if (const auto* id = mo.if_contains("messageId"); id && id->is_string()) m.message_id = std::string(id->as_string());
  if (const auto* t = mo.if_contains("publishTime"); t && t->is_string()) {
    m.publish_time = infra::parse_iso8601(t->as_string()).value_or(infra::TimePoint{});
  }
  if (const auto* attrs = mo.if_contains("attributes"); attrs && attrs->is_object()) {
    for (const auto& [key, value] : attrs->as_object()) {
      if (value.is_string()) m.attributes.emplace(std::string(key), std::string(value.as_string()));
    }
  }
  return m;
}
}  // namespace

struct Subscriber::Impl : std::enable_shared_from_this<Subscriber::Impl> {
  Impl(RestClient& c, std::string sub, MessageHandler h, SubscriberOptions o, asio::any_io_executor e)
      : client(c), name(std::move(sub)), path(c.subscription_path(name)), handler(std::move(h)), options(o), ex(std::move(e)) {}

  RestClient& client;
  std::string name;
  std::string path;
  MessageHandler handler;
  SubscriberOptions options;
  asio::any_io_executor ex;

  // Everything below is touched only on `ex`.
  bool started = false;
  bool stopping = false;
  bool stopped = false;
  std::vector<std::shared_ptr<asio::cancellation_signal>> pull_signals;
  std::size_t pulls_running = 0;
  bool lease_loop_running = false;
  std::size_t handlers_running = 0;
  std::unordered_map<std::string, Lease> leases;
  std::vector<std::string> ack_queue;
  std::vector<std::string> nack_queue;
  bool flush_scheduled = false;
  std::size_t flushes_running = 0;
  std::unordered_set<asio::steady_timer*> waiters;
  asio::steady_timer* lease_timer = nullptr;  // the lease loop's tick; not woken by notify()

  std::atomic<std::size_t> received{0}, acked{0}, nacked{0}, handler_errors{0}, extensions{0}, outstanding{0};
  // attach_metrics(); beside the atomics above (those stay: stats() and the tests read them).
  struct Metrics {
    infra::metrics::Counter received, acked, nacked, handler_errors, extensions, dead_lettered;
    infra::metrics::Histogram handler_duration;
    int dead_letter_after = 0;
  } metrics;

  // A coroutine on `ex` waits for "something changed" (or the deadline); notify() wakes all.
  awaitable<void> wait_change(Clock::time_point until = Clock::time_point::max()) {
    asio::steady_timer timer(ex, until);
    waiters.insert(&timer);
    boost::system::error_code ec;
    try {
      co_await timer.async_wait(asio::redirect_error(use_awaitable, ec));
    } catch (...) {
      waiters.erase(&timer);
      throw;
    }
    waiters.erase(&timer);
  }
  void notify() {
    for (auto* t : waiters) t->cancel();
  }

  static awaitable<void> pull_loop(std::shared_ptr<Impl> self) {
    bool pause = false;
    int failures = 0;
    while (!self->stopping) {
      try {
        if (pause) {
          pause = false;
          co_await self->wait_change(Clock::now() + std::chrono::milliseconds(std::min(100 << std::min(failures, 6), 5'000)));
          continue;
        }
        const auto held = self->leases.size();
        if (held >= self->options.max_outstanding_messages) {
          co_await self->wait_change();
          continue;
        }
        const auto room = std::min(self->options.max_outstanding_messages - held, self->options.max_messages_per_pull);
        CallOptions call;
        call.timeout = self->options.pull_timeout;
        call.reensure_on_not_found = true;
        auto answer = co_await self->client.call("POST", self->path + ":pull",
                                                 fmt::format("{{\"maxMessages\":{}}}", room), call);
        failures = 0;
        self->accept(answer);
      } catch (const infra::Error& e) {
        if (self->stopping) break;
        ++failures;
        pause = true;
        spdlog::warn("pubsub: pulling from {} failed: {}", self->path, e.what());
      } catch (const std::exception& e) {
        if (self->stopping) break;  // cancelled by stop()
        ++failures;
        pause = true;
        spdlog::warn("pubsub: pulling from {} failed: {}", self->path, e.what());
      }
    }
    --self->pulls_running;
    self->notify();
  }

  void accept(const json::value& answer) {
    const auto* list = answer.is_object() ? answer.as_object().if_contains("receivedMessages") : nullptr;
    if (!list || !list->is_array()) return;
    const auto now = Clock::now();
    for (const auto& item : list->as_array()) {
      auto message = parse_received(item);
      if (!message) continue;
      received.fetch_add(1, std::memory_order_relaxed);
      metrics.received.inc();
      if (stopping) {  // a pull that answered while we stop: give it back at once
        queue_nack(message->ack_id);
        continue;
      }
      leases.emplace(message->ack_id, Lease{now, now + options.first_extension_after});
      outstanding.store(leases.size(), std::memory_order_relaxed);
      ++handlers_running;
      // The handler continues the publisher's trace (its traceparent attribute), or starts one:
      // its log lines and what it publishes carry the trace id.
      const auto header = message->attributes.find(infra::TRACEPARENT);
      const auto traced = infra::traced(
          ex, infra::trace_from_header(header == message->attributes.end() ? std::string_view() : header->second));
      asio::co_spawn(traced, run_handler(shared_from_this(), std::move(*message)), asio::detached);
    }
  }

  static awaitable<void> run_handler(std::shared_ptr<Impl> self, Message message) {
    const auto started = infra::metrics::now_ticks();
    try {
      co_await self->handler(message);
    } catch (const std::exception& e) {
      self->handler_errors.fetch_add(1, std::memory_order_relaxed);
      self->metrics.handler_errors.inc();
      spdlog::warn("pubsub: handler for {} failed on message {}: {} (nacked)", self->path, message.message_id, e.what());
      message.nack();
    } catch (...) {
      self->handler_errors.fetch_add(1, std::memory_order_relaxed);
      self->metrics.handler_errors.inc();
      message.nack();
    }
    self->metrics.handler_duration.observe_since(started);
    // The server counts deliveries; nacked on the last one allowed, the message goes to the
    // dead-letter topic.
    if (self->metrics.dead_letter_after > 0 && message.decision() != Message::Decision::ack &&
        message.delivery_attempt >= self->metrics.dead_letter_after) {
      self->metrics.dead_lettered.inc();
    }
    // A coroutine always resumes on the executor it was spawned on (ours), so no locking here.
    self->finish(message.ack_id, message.decision() == Message::Decision::ack);
  }

  void finish(const std::string& ack_id, bool ack) {
    --handlers_running;
    if (leases.erase(ack_id) == 0) {
      notify();  // abandoned at shutdown and already nacked
      return;
    }
    outstanding.store(leases.size(), std::memory_order_relaxed);
    if (ack) {
      ack_queue.push_back(ack_id);
    } else {
      nack_queue.push_back(ack_id);
    }
    schedule_flush();
    notify();
  }

  void queue_nack(const std::string& ack_id) {
    nack_queue.push_back(ack_id);
    schedule_flush();
  }

  void schedule_flush() {
    if (ack_queue.size() + nack_queue.size() >= options.ack_batch_max) {
      asio::co_spawn(ex, flush(shared_from_this()), asio::detached);
      return;
    }
    if (flush_scheduled) return;
    flush_scheduled = true;
    asio::co_spawn(ex, flush_later(shared_from_this()), asio::detached);
  }

  static awaitable<void> flush_later(std::shared_ptr<Impl> self) {
    asio::steady_timer timer(self->ex, self->options.ack_batch_delay);
    boost::system::error_code ec;
    co_await timer.async_wait(asio::redirect_error(use_awaitable, ec));
    self->flush_scheduled = false;
    co_await flush(self);
  }

  static std::string ids_body(const std::vector<std::string>& ids, std::size_t from, std::size_t to,
                              std::optional<int> deadline) {
    json::object body;
    json::array list;
    list.reserve(to - from);
    for (std::size_t i = from; i < to; ++i) list.emplace_back(ids[i]);
    body["ackIds"] = std::move(list);
    if (deadline) body["ackDeadlineSeconds"] = *deadline;
    return json::serialize(body);
  }

  // Sends ids in chunks; failures are logged (the messages are redelivered later: at least once).
  static awaitable<std::size_t> send_ids(std::shared_ptr<Impl> self, std::vector<std::string> ids, const char* verb,
                                         std::optional<int> deadline) {
    std::size_t sent = 0;
    for (std::size_t from = 0; from < ids.size(); from += max_ids_per_request) {
      const auto to = std::min(ids.size(), from + max_ids_per_request);
      try {
        co_await self->client.call("POST", self->path + ":" + verb, ids_body(ids, from, to, deadline));
        sent += to - from;
      } catch (const std::exception& e) {
        spdlog::warn("pubsub: {} of {} messages on {} failed: {} (they will be redelivered)", verb, to - from,
                     self->path, e.what());
      }
    }
    co_return sent;
  }

  static awaitable<void> flush(std::shared_ptr<Impl> self) {
    std::vector<std::string> acks, nacks;
    acks.swap(self->ack_queue);
    nacks.swap(self->nack_queue);
    if (acks.empty() && nacks.empty()) co_return;
    ++self->flushes_running;
    const auto n_acks = acks.size();
    const auto n_nacks = nacks.size();
    if (!acks.empty()) co_await send_ids(self, std::move(acks), "acknowledge", std::nullopt);
    if (!nacks.empty()) co_await send_ids(self, std::move(nacks), "modifyAckDeadline", 0);
    self->acked.fetch_add(n_acks, std::memory_order_relaxed);
    self->nacked.fetch_add(n_nacks, std::memory_order_relaxed);
    self->metrics.acked.inc(static_cast<double>(n_acks));
    self->metrics.nacked.inc(static_cast<double>(n_nacks));
    --self->flushes_running;
    self->notify();
  }

  static awaitable<void> lease_loop(std::shared_ptr<Impl> self) {
    const int extend_by = static_cast<int>(std::min<long>(self->options.lease_extension.count(), 600));
    const auto period = std::chrono::milliseconds(extend_by * 1000 / 2);
    asio::steady_timer tick(self->ex);
    self->lease_timer = &tick;
    boost::system::error_code ec;
    while (!self->stopped) {
      tick.expires_after(std::chrono::seconds(1));
      co_await tick.async_wait(asio::redirect_error(use_awaitable, ec));
      if (self->stopped) break;
      const auto now = Clock::now();
      std::vector<std::string> due;
      for (auto& [ack_id, lease] : self->leases) {
        if (now - lease.received > self->options.max_lease_extension) continue;  // let it expire
        if (now >= lease.next_extension) {
          due.push_back(ack_id);
          lease.next_extension = now + period;
        }
      }
      if (due.empty()) continue;
      self->extensions.fetch_add(due.size(), std::memory_order_relaxed);
      self->metrics.extensions.inc(static_cast<double>(due.size()));
      co_await send_ids(self, std::move(due), "modifyAckDeadline", extend_by);
    }
    self->lease_timer = nullptr;
    self->lease_loop_running = false;
    self->notify();
  }

  void start() {
    if (started) return;
    started = true;
    for (std::size_t i = 0; i < std::max<std::size_t>(1, options.parallel_pulls); ++i) {
      auto signal = std::make_shared<asio::cancellation_signal>();
      pull_signals.push_back(signal);
      ++pulls_running;
      asio::co_spawn(ex, pull_loop(shared_from_this()),
                     asio::bind_cancellation_slot(signal->slot(), [signal](std::exception_ptr) {}));
    }
    lease_loop_running = true;
    asio::co_spawn(ex, lease_loop(shared_from_this()), asio::detached);
  }

  static awaitable<void> stop(std::shared_ptr<Impl> self) {
    if (self->stopping) {
      while (!self->stopped) co_await self->wait_change();
      co_return;
    }
    self->stopping = true;
    // 1. Stop pulling: cancel the long polls (their connections are closed).
    for (auto& s : self->pull_signals) s->emit(asio::cancellation_type::terminal);
    self->notify();
    while (self->pulls_running > 0) co_await self->wait_change();
    // 2. Let running handlers finish, bounded.
    const auto deadline = Clock::now() + self->options.shutdown_timeout;
    while (self->handlers_running > 0 && Clock::now() < deadline) co_await self->wait_change(deadline);
    // 3. Whatever is still held goes back to the server for immediate redelivery.
    if (!self->leases.empty()) {
      spdlog::warn("pubsub: {} handlers on {} did not finish within {} ms; their messages are nacked", self->leases.size(),
                   self->path, self->options.shutdown_timeout.count());
      for (auto& [ack_id, lease] : self->leases) self->nack_queue.push_back(ack_id);
      self->leases.clear();
      self->outstanding.store(0);
    }
    // 4. Send pending acks and nacks, and wait for flushes already on their way.
    co_await flush(self);
    while (self->flushes_running > 0) co_await self->wait_change();
    self->stopped = true;
    if (self->lease_timer) self->lease_timer->cancel();
    self->notify();
    while (self->lease_loop_running) co_await self->wait_change();
    self->notify();
  }
};

Subscriber::Subscriber(RestClient& client, std::string subscription, MessageHandler handler, SubscriberOptions options,
                       asio::any_io_executor executor)
    : impl_(std::make_shared<Impl>(client, std::move(subscription), std::move(handler), options, std::move(executor))) {}

Subscriber::~Subscriber() {
  auto impl = impl_;
  asio::post(impl->ex, [impl] {
    if (impl->started && !impl->stopping) {
      spdlog::warn("pubsub: subscriber for {} destroyed without stop(); held messages will be redelivered after their deadline",
                   impl->path);
      impl->stopping = true;
      impl->stopped = true;
      if (impl->lease_timer) impl->lease_timer->cancel();
      for (auto& s : impl->pull_signals) s->emit(asio::cancellation_type::terminal);
      impl->notify();
    }
  });
}

void Subscriber::start() {
  auto impl = impl_;
  asio::post(impl->ex, [impl] { impl->start(); });
}

awaitable<void> Subscriber::stop() {
  auto impl = impl_;
  try {
    auto stop_there = [impl] { return Impl::stop(impl); };
    co_await infra::run_on(impl->ex, std::move(stop_there));
  } catch (const std::exception& e) {
    spdlog::error("pubsub: stopping the subscriber for {} failed: {}", impl->path, e.what());
  }
}

SubscriberStats Subscriber::stats() const {
  SubscriberStats s;
  s.received = impl_->received.load();
  s.acked = impl_->acked.load();
  s.nacked = impl_->nacked.load();
  s.handler_errors = impl_->handler_errors.load();
  s.lease_extensions = impl_->extensions.load();
  s.outstanding = impl_->outstanding.load();
  return s;
}

const std::string& Subscriber::subscription() const noexcept { return impl_->name; }

void Subscriber::attach_metrics(infra::metrics::Registry& r, int dead_letter_after) {
  const std::string_view sub = impl_->name;
  const std::vector<std::string> label{"subscription"};
  auto& m = impl_->metrics;
  m.received = r.counter_family("pubsub_messages_received_total", "Messages pulled, by subscription.", label).labels({sub});
  m.acked = r.counter_family("pubsub_messages_acked_total", "Messages acked, by subscription.", label).labels({sub});
  m.nacked = r.counter_family("pubsub_messages_nacked_total",
                              "Messages nacked for redelivery (handler failed or shutdown), by subscription.", label)
                 .labels({sub});
  m.handler_errors = r.counter_family("pubsub_handler_errors_total", "Handlers that threw, by subscription.", label)
                         .labels({sub});
  m.extensions = r.counter_family("pubsub_lease_extensions_total",
                                  "Ack deadlines extended for slow handlers, by subscription.", label)
                     .labels({sub});
  m.dead_letter_after = dead_letter_after;
  if (dead_letter_after > 0) {
    m.dead_lettered = r.counter_family("pubsub_messages_dead_lettered_total",
                                       "Messages nacked on their last delivery allowed by the dead-letter policy, by "
                                       "subscription.",
                                       label)
                          .labels({sub});
  }
  m.handler_duration = r.histogram_family("pubsub_handler_duration_seconds", "Time a handler held a message, by subscription.",
                                          label, infra::metrics::buckets::latency_seconds())
                           .labels({sub});
}

}  // namespace vibework::pubsub
