#include "vibework/pubsub/publisher.hpp"

#include <atomic>
#include <mutex>
#include <random>
#include <unordered_map>
#include <vector>

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <fmt/format.h>

#include "vibework/infra/async/completion.hpp"
#include "vibework/infra/async/waiter_queue.hpp"
#include "vibework/infra/current_trace.hpp"
#include "vibework/infra/errors.hpp"
#include "vibework/pubsub/credentials.hpp"
#include "vibework/pubsub/rest_client.hpp"

namespace vibework::pubsub {

namespace json = boost::json;

PublisherOptions PublisherOptions::from(const pubsub::Config& c) {
  PublisherOptions o;
  o.batch_max_messages = c.batch_max_messages;
  o.batch_max_bytes = c.batch_max_bytes;
  o.batch_max_delay = c.batch_max_delay;
  o.max_outstanding_messages = c.publish_max_outstanding_messages;
  o.max_outstanding_bytes = c.publish_max_outstanding_bytes;
  o.flow_control = c.publish_flow_control;
  return o;
}

namespace {
constexpr std::size_t max_message_bytes = 10 * 1000 * 1000;

struct Item {
  std::string json;  // {"data":"...","attributes":{...}}
  std::unique_ptr<infra::Completion<std::string>> done;  // the publish() awaiting the message id
};

// publish() calls waiting for room, each with the bytes it needs; flush() calls waiting for
// nothing to be outstanding. Neither wait has a deadline.
using CapacityWaiters = infra::WaiterQueue<std::monostate, std::size_t>;
using FlushWaiters = infra::WaiterQueue<>;
constexpr auto no_deadline = CapacityWaiters::Clock::time_point::max();

struct Batch {
  explicit Batch(std::string path) : topic_path(std::move(path)) {}
  std::string topic_path;
  std::vector<Item> items;
  std::size_t bytes = 0;
};
}  // namespace

struct Publisher::Impl : std::enable_shared_from_this<Publisher::Impl> {
  Impl(RestClient& c, PublisherOptions o) : client(c), options(o) {
    std::random_device random;
    id_prefix = fmt::format("{:08x}{:08x}", random(), random());
  }

  RestClient& client;
  PublisherOptions options;
  std::string id_prefix;
  std::atomic<std::uint64_t> next_id{0};

  mutable std::mutex mutex;
  std::unordered_map<std::string, std::shared_ptr<Batch>> open;
  std::size_t outstanding_messages = 0;
  std::size_t outstanding_bytes = 0;
  CapacityWaiters capacity_waiters{mutex};  // granted in arrival order, room reserved for them
  FlushWaiters flush_waiters{mutex};
  PublisherStats counters;

  // attach_metrics(); per topic resolved once, under `mutex` (taken by release() anyway).
  struct TopicMetrics {
    infra::metrics::Counter published;
    infra::metrics::Counter failed;
  };
  infra::metrics::CounterFamily published_family, failed_family;
  infra::metrics::Histogram batch_size, request_duration;
  infra::metrics::Registration outstanding_gauge;
  std::unordered_map<std::string, TopicMetrics> topic_metrics;

  // Under the lock.
  TopicMetrics& metrics_for(const std::string& topic_path) {
    auto it = topic_metrics.find(topic_path);
    if (it != topic_metrics.end()) return it->second;
    const auto slash = topic_path.rfind('/');
    const std::string_view topic =
        slash == std::string::npos ? std::string_view(topic_path) : std::string_view(topic_path).substr(slash + 1);
    return topic_metrics[topic_path] = {published_family.labels({topic}), failed_family.labels({topic})};
  }

  std::string new_message_id() {
    return fmt::format("{}-{:x}", id_prefix, next_id.fetch_add(1, std::memory_order_relaxed));
  }

  // Under the lock. One message larger than the byte bound still goes when nothing else waits.
  bool fits(std::size_t bytes) const {
    return outstanding_messages < options.max_outstanding_messages &&
           (outstanding_bytes + bytes <= options.max_outstanding_bytes || outstanding_messages == 0);
  }

  void enqueue(const asio::any_io_executor& ex, const std::string& topic_path, Item item) {
    std::shared_ptr<Batch> full_before, full_now, arm;
    {
      std::lock_guard lock(mutex);
      auto& batch = open[topic_path];
      if (batch && !batch->items.empty() && batch->bytes + item.json.size() > options.batch_max_bytes) {
        full_before = std::move(batch);
      }
      if (!batch) {
        batch = std::make_shared<Batch>(topic_path);
        arm = batch;
      }
      batch->bytes += item.json.size();
      batch->items.push_back(std::move(item));
      if (batch->items.size() >= options.batch_max_messages || batch->bytes >= options.batch_max_bytes ||
          options.batch_max_delay.count() == 0) {
        full_now = std::move(batch);
        open.erase(topic_path);
        arm.reset();
      }
    }
    if (full_before) spawn_send(ex, std::move(full_before));
    if (full_now) spawn_send(ex, std::move(full_now));
    if (arm) {
      asio::co_spawn(ex, send_after_delay(shared_from_this(), std::move(arm)), asio::detached);
    }
  }

  void spawn_send(const asio::any_io_executor& ex, std::shared_ptr<Batch> batch) {
    asio::co_spawn(ex, send(shared_from_this(), std::move(batch)), asio::detached);
  }

  static awaitable<void> send_after_delay(std::shared_ptr<Impl> self, std::shared_ptr<Batch> batch) {
    asio::steady_timer timer(co_await asio::this_coro::executor, self->options.batch_max_delay);
    boost::system::error_code ec;
    co_await timer.async_wait(asio::redirect_error(use_awaitable, ec));
    {
      std::lock_guard lock(self->mutex);
      auto it = self->open.find(batch->topic_path);
      if (it == self->open.end() || it->second != batch) co_return;  // already sent (full or flushed)
      self->open.erase(it);
    }
    co_await send(self, std::move(batch));
  }

  static awaitable<void> send(std::shared_ptr<Impl> self, std::shared_ptr<Batch> batch) {
    std::string body;
    body.reserve(batch->bytes + batch->items.size() + 16);
    body += "{\"messages\":[";
    for (std::size_t i = 0; i < batch->items.size(); ++i) {
      if (i) body += ',';
      body += batch->items[i].json;
    }
    body += "]}";

    std::vector<std::string> ids;
    std::exception_ptr error;
    self->batch_size.observe(static_cast<double>(batch->items.size()));
    const auto started = infra::metrics::now_ticks();
    try {
      CallOptions options;
      options.reensure_on_not_found = true;
      auto answer = co_await self->client.call("POST", batch->topic_path + ":publish", std::move(body), options);
      const auto* list = answer.is_object() ? answer.as_object().if_contains("messageIds") : nullptr;
      if (!list || !list->is_array() || list->as_array().size() != batch->items.size()) {
        throw infra::ProtocolError("pubsub", fmt::format("publish to {} answered without one message id per message",
                                                         batch->topic_path));
      }
      ids.reserve(batch->items.size());
      for (const auto& id : list->as_array()) ids.emplace_back(id.is_string() ? std::string(id.as_string()) : "");
    } catch (...) {
      error = std::current_exception();
    }
    self->request_duration.observe_since(started);
    for (std::size_t i = 0; i < batch->items.size(); ++i) {
      batch->items[i].done->complete(error, error ? std::string() : std::move(ids[i]));
    }
    self->release(*batch, error == nullptr);
  }

  // Under the lock: room for one more message of `bytes`.
  void reserve(std::size_t bytes) {
    ++outstanding_messages;
    outstanding_bytes += bytes;
  }

  void release(const Batch& batch, bool ok) {
    std::lock_guard lock(mutex);
    outstanding_messages -= batch.items.size();
    outstanding_bytes -= std::min(outstanding_bytes, batch.bytes);
    ++counters.requests;
    (ok ? counters.published : counters.failed) += batch.items.size();
    if (published_family) {
      auto& m = metrics_for(batch.topic_path);
      (ok ? m.published : m.failed).inc(static_cast<double>(batch.items.size()));
    }
    // The freed room goes to the waiters in arrival order, reserved before they resume.
    while (!capacity_waiters.empty() && fits(capacity_waiters.front_need())) {
      reserve(capacity_waiters.front_need());
      capacity_waiters.grant_front({});
    }
    while (outstanding_messages == 0 && !flush_waiters.empty()) flush_waiters.grant_front({});
  }
};

Publisher::Publisher(RestClient& client, PublisherOptions options) : impl_(std::make_shared<Impl>(client, options)) {}

Publisher::~Publisher() = default;

void Publisher::attach_metrics(infra::metrics::Registry& r) {
  auto& impl = *impl_;
  impl.published_family = r.counter_family("pubsub_published_messages_total",
                                           "Messages the Pub/Sub server acknowledged, by topic.", {"topic"});
  impl.failed_family = r.counter_family("pubsub_publish_failures_total",
                                        "Messages whose publish failed after its retries, by topic.", {"topic"});
  impl.batch_size = r.histogram("pubsub_publish_batch_size", "Messages per Pub/Sub publish request.",
                                infra::metrics::buckets::sizes());
  impl.request_duration = r.histogram("pubsub_publish_duration_seconds",
                                      "Time of one Pub/Sub publish request, retries included.",
                                      infra::metrics::buckets::latency_seconds());
  impl.outstanding_gauge = r.gauge_callback("pubsub_publish_outstanding_messages",
                                            "Messages accepted by the publisher and not yet acknowledged or failed.",
                                            [weak = std::weak_ptr<Impl>(impl_)] {
                                              const auto self = weak.lock();
                                              if (!self) return 0.0;
                                              std::lock_guard lock(self->mutex);
                                              return static_cast<double>(self->outstanding_messages);
                                            });
}

PublisherStats Publisher::stats() const {
  std::lock_guard lock(impl_->mutex);
  auto s = impl_->counters;
  s.outstanding_messages = impl_->outstanding_messages;
  s.outstanding_bytes = impl_->outstanding_bytes;
  return s;
}

awaitable<std::string> Publisher::publish(std::string topic, std::string data, Attributes attributes) {
  auto impl = impl_;
  if (topic.empty()) throw infra::InvalidArgumentError("pubsub", "publish: the topic name is empty");
  if (!attributes.contains(MESSAGE_ID_ATTRIBUTE)) {
    attributes.emplace(std::string(MESSAGE_ID_ATTRIBUTE), impl->new_message_id());
  }
  // Published while handling a request (or a message): the consumer continues its trace.
  const auto* trace = infra::current_trace();
  if (trace != nullptr && !attributes.contains(infra::TRACEPARENT)) {
    attributes.emplace(std::string(infra::TRACEPARENT), trace->traceparent());
  }
  json::object message;
  message["data"] = base64_encode(data);
  json::object attrs;
  for (auto& [key, value] : attributes) {
    if (key.empty()) throw infra::InvalidArgumentError("pubsub", "publish: an attribute name is empty");
    attrs[key] = value;
  }
  message["attributes"] = std::move(attrs);
  std::string item_json = json::serialize(message);
  if (item_json.size() > max_message_bytes) {
    throw infra::InvalidArgumentError("pubsub",
                                      fmt::format("publish: the message is {} bytes, over the 10 MB limit", item_json.size()),
                                      "store large payloads elsewhere (object storage) and publish a reference");
  }
  const std::size_t bytes = item_json.size();

  // Flow control: reserve room for this message before it is accepted, behind earlier waiters.
  auto ex = co_await asio::this_coro::executor;
  CapacityWaiters::Ticket ticket;
  bool queued = false;
  {
    std::lock_guard lock(impl->mutex);
    if (impl->capacity_waiters.empty() && impl->fits(bytes)) {
      impl->reserve(bytes);
    } else if (impl->options.flow_control == pubsub::PublishFlowControl::fail) {
      throw infra::PoolExhaustedError(
          "pubsub",
          fmt::format("publisher flow control: {} messages / {} bytes are waiting for the server (limits {} / {})",
                      impl->outstanding_messages, impl->outstanding_bytes, impl->options.max_outstanding_messages,
                      impl->options.max_outstanding_bytes),
          "the server is slow or unreachable; raise PUBSUB_PUBLISH_MAX_OUTSTANDING_MESSAGES/_BYTES or publish less");
    } else {
      ticket = impl->capacity_waiters.push(ex, no_deadline, bytes);
      queued = true;
    }
  }
  // No deadline and never closed: this wait ends granted, its room reserved by release().
  if (queued) co_await impl->capacity_waiters.wait(std::move(ticket));

  const std::string topic_path = impl->client.topic_path(topic);
  // A batch holds messages of many traces: its send runs under none of them.
  const auto batch_ex = infra::untraced(ex);
  // Raw pointers and references only: GCC 12 destroys lambda temporaries in a co_await twice.
  auto accept = [self = impl.get(), &batch_ex, &topic_path, &item_json](std::unique_ptr<infra::Completion<std::string>> done) {
    self->enqueue(batch_ex, topic_path, Item{std::move(item_json), std::move(done)});
  };
  co_return co_await infra::suspend_into<std::string>(std::move(accept));
}

awaitable<void> Publisher::flush() {
  auto impl = impl_;
  auto ex = co_await asio::this_coro::executor;
  std::vector<std::shared_ptr<Batch>> batches;
  {
    std::lock_guard lock(impl->mutex);
    for (auto& [path, batch] : impl->open) batches.push_back(std::move(batch));
    impl->open.clear();
  }
  for (auto& b : batches) impl->spawn_send(infra::untraced(ex), std::move(b));
  FlushWaiters::Ticket ticket;
  {
    std::lock_guard lock(impl->mutex);
    if (impl->outstanding_messages == 0) co_return;
    ticket = impl->flush_waiters.push(ex, no_deadline);
  }
  co_await impl->flush_waiters.wait(std::move(ticket));
}

}  // namespace vibework::pubsub
