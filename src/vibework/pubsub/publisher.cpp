#include "vibework/pubsub/publisher.hpp"

#include <atomic>
#include <mutex>
#include <random>
#include <unordered_map>
#include <vector>

#include <boost/asio/async_result.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <fmt/format.h>

#include "vibework/infra/errors.hpp"
#include "vibework/pubsub/rest_client.hpp"
#include "vibework/pubsub/completion.hpp"
#include "vibework/pubsub/credentials.hpp"

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

using Done = std::function<void(std::exception_ptr, std::string)>;
using Wake = std::function<void()>;

struct Item {
  std::string json;  // {"data":"...","attributes":{...}}
  Done done;
};

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
  std::vector<Wake> capacity_waiters;
  std::vector<Wake> flush_waiters;
  PublisherStats counters;

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
    for (std::size_t i = 0; i < batch->items.size(); ++i) {
      batch->items[i].done(error, error ? std::string() : std::move(ids[i]));
    }
    self->release(*batch, error == nullptr);
  }

  void release(const Batch& batch, bool ok) {
    std::vector<Wake> wake_capacity, wake_flush;
    {
      std::lock_guard lock(mutex);
      outstanding_messages -= batch.items.size();
      outstanding_bytes -= std::min(outstanding_bytes, batch.bytes);
      ++counters.requests;
      (ok ? counters.published : counters.failed) += batch.items.size();
      wake_capacity.swap(capacity_waiters);
      if (outstanding_messages == 0) wake_flush.swap(flush_waiters);
    }
    for (auto& w : wake_capacity) w();
    for (auto& w : wake_flush) w();
  }
};

Publisher::Publisher(RestClient& client, PublisherOptions options) : impl_(std::make_shared<Impl>(client, options)) {}

Publisher::~Publisher() = default;

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

  // Flow control: reserve room for this message before it is accepted.
  for (;;) {
    {
      std::lock_guard lock(impl->mutex);
      if (impl->fits(bytes)) {
        ++impl->outstanding_messages;
        impl->outstanding_bytes += bytes;
        break;
      }
      if (impl->options.flow_control == pubsub::PublishFlowControl::fail) {
        throw infra::PoolExhaustedError(
            "pubsub",
            fmt::format("publisher flow control: {} messages / {} bytes are waiting for the server (limits {} / {})",
                        impl->outstanding_messages, impl->outstanding_bytes, impl->options.max_outstanding_messages,
                        impl->options.max_outstanding_bytes),
            "the server is slow or unreachable; raise PUBSUB_PUBLISH_MAX_OUTSTANDING_MESSAGES/_BYTES or publish less");
      }
    }
    co_await asio::async_initiate<decltype(use_awaitable), void()>(
        // Raw pointers only: GCC 12 destroys lambda temporaries in a co_await expression twice.
        [self = impl.get(), bytes](auto handler) {
          auto wake = detail::share_handler<>(std::move(handler));
          std::unique_lock lock(self->mutex);
          if (self->fits(bytes)) {
            lock.unlock();
            wake();
          } else {
            self->capacity_waiters.push_back(std::move(wake));
          }
        },
        use_awaitable);
  }

  auto ex = co_await asio::this_coro::executor;
  const std::string topic_path = impl->client.topic_path(topic);
  co_return co_await asio::async_initiate<decltype(use_awaitable), void(std::exception_ptr, std::string)>(
      [self = impl.get(), ex = &ex, &topic_path, &item_json](auto handler) {
        self->enqueue(*ex, topic_path,
                      Item{std::move(item_json), detail::share_handler<std::exception_ptr, std::string>(std::move(handler))});
      },
      use_awaitable);
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
  for (auto& b : batches) impl->spawn_send(ex, std::move(b));
  co_await asio::async_initiate<decltype(use_awaitable), void()>(
      [self = impl.get()](auto handler) {
        auto wake = detail::share_handler<>(std::move(handler));
        std::unique_lock lock(self->mutex);
        if (self->outstanding_messages == 0) {
          lock.unlock();
          wake();
        } else {
          self->flush_waiters.push_back(std::move(wake));
        }
      },
      use_awaitable);
}

}  // namespace vibework::pubsub
