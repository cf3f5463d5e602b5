#pragma once
// Cache: cache-aside over Redis, values stored as the JSON of a described struct.
//
//   redis::Cache cache(client, {.prefix = "app:"});
//   std::optional<User> u = co_await cache.get_or_load<User>("user:" + id, 300s,
//       [&]() -> awaitable<std::optional<User>> { co_return co_await users.find(id); });
//   co_await cache.invalidate("user:" + id);   // after an update
//
//  - Single flight: concurrent misses for one key in this process run the loader once; the
//    other callers wait for its result (or its exception).
//  - Degrade, don't fail: if Redis errors or times out, get_or_load calls the loader and returns
//    its value (logged once per outage, not per call).
//  - A loader returning std::optional<T> may say "not found" (nullopt): that is returned and
//    not cached, as in the original's getCachedUser.
//  - A cached value that no longer parses as T (the struct changed) counts as a miss.
//  - GCC 12: name a loader that owns captures first (README, "GCC 12 and temporaries inside co_await").
//  - invalidate() deletes the keys; a load of the same key already in flight will not write
//    its (possibly stale) result back. It throws if Redis cannot be reached: the caller
//    decides whether a stale cache entry is acceptable.
#include <atomic>
#include <chrono>
#include <concepts>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <type_traits>
#include <unordered_map>

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "vibework/infra/asio.hpp"
#include "vibework/infra/errors.hpp"
#include "vibework/infra/json.hpp"
#include "vibework/redis/client.hpp"

namespace vibework::redis {

struct CacheOptions {
  std::string prefix;  // prepended to every key, e.g. "app:" or a test's own namespace
};

struct CacheStats {
  std::uint64_t hits = 0;           // answered from Redis
  std::uint64_t loads = 0;          // loader calls
  std::uint64_t coalesced = 0;      // callers that waited for another caller's load
  std::uint64_t redis_errors = 0;   // Redis failures absorbed by falling back to the loader
};

class Cache {
 public:
  explicit Cache(Client& client, CacheOptions options = {});
  ~Cache();
  Cache(const Cache&) = delete;
  Cache& operator=(const Cache&) = delete;

  // `loader` is a callable returning awaitable<T> or awaitable<std::optional<T>>; the result
  // has the same type. T must convert to and from JSON (BOOST_DESCRIBE_STRUCT, see json.hpp).
  template <typename T, typename Loader>
  auto get_or_load(std::string key, std::chrono::seconds ttl, Loader loader)
      -> awaitable<typename std::invoke_result_t<Loader&>::value_type>;

  // The same for values that are text already (no JSON conversion): the loader returns the
  // text to store, or nullopt for "not found".
  using TextLoader = std::function<awaitable<std::optional<std::string>>()>;
  awaitable<std::optional<std::string>> get_or_load_text(std::string key, std::chrono::seconds ttl, TextLoader loader);

  // Deletes the keys; returns how many existed.
  awaitable<std::int64_t> invalidate(KeyList keys);
  template <typename... K>
    requires(sizeof...(K) > 1 && (std::convertible_to<const K&, std::string_view> && ...))
  awaitable<std::int64_t> invalidate(const K&... keys) {
    return invalidate(KeyList{std::string_view(keys)...});
  }

  CacheStats stats() const;
  // cache_hits_total, cache_misses_total and cache_fallbacks_total (Redis failed, the loader
  // answered) labelled cache=`name`, read from stats() at scrape time. `registry` may go first.
  void attach_metrics(infra::metrics::Registry& registry, std::string_view name);
  const std::string& prefix() const noexcept { return options_.prefix; }
  Client& client() noexcept { return client_; }

  // The JSON text stored for a value (exposed for tests and tools).
  template <typename T>
  static std::string encode(const T& value) {
    return boost::json::serialize(boost::json::value_from(value));
  }
  template <typename T>
  static T decode(const std::string& text) {
    // Parsed into a buffer on the stack (a cached value is small): no allocation, and the
    // document is dropped whole instead of value by value.
    unsigned char buffer[4096];
    boost::json::monotonic_resource scratch(buffer, sizeof(buffer));
    return boost::json::value_to<T>(boost::json::parse(text, &scratch));
  }

 private:
  struct Flight;
  using JsonLoader = std::function<awaitable<std::optional<std::string>>()>;
  // Called by the leader on a Redis hit; false = the value does not parse (treat as a miss).
  using Accept = std::function<bool(const std::string&)>;

  awaitable<std::optional<std::string>> load_json(std::string key, std::chrono::seconds ttl, JsonLoader loader,
                                                  Accept accept);
  awaitable<std::optional<std::string>> lookup_or_load(const std::string& full_key, std::chrono::seconds ttl,
                                                       const JsonLoader& loader, const Accept& accept,
                                                       Flight& flight);
  void note_redis_ok();
  void note_redis_failure(const std::exception& e);

  Client& client_;
  CacheOptions options_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, std::shared_ptr<Flight>> flights_;
  std::atomic<bool> degraded_{false};
  std::atomic<std::uint64_t> hits_{0}, loads_{0}, coalesced_{0}, redis_errors_{0};
  std::vector<infra::metrics::Registration> metrics_;  // last: unregistered before the counters go
};

template <typename T, typename Loader>
auto Cache::get_or_load(std::string key, std::chrono::seconds ttl, Loader loader)
    -> awaitable<typename std::invoke_result_t<Loader&>::value_type> {
  using R = typename std::invoke_result_t<Loader&>::value_type;
  constexpr bool maybe = std::is_same_v<R, std::optional<T>>;
  static_assert(maybe || std::is_same_v<R, T>, "the loader must return awaitable<T> or awaitable<std::optional<T>>");

  // The leader keeps the value it loaded or parsed, so it never parses twice; callers that
  // waited for it parse the shared JSON text.
  std::optional<T> value;
  JsonLoader load = [&loader, &value]() -> awaitable<std::optional<std::string>> {
    if constexpr (maybe) {
      value = co_await loader();
    } else {
      value.emplace(co_await loader());
    }
    if (!value) co_return std::nullopt;
    co_return encode(*value);
  };
  Accept accept = [&value](const std::string& text) {
    try {
      value.emplace(decode<T>(text));
      return true;
    } catch (const std::exception&) {
      return false;
    }
  };
  auto json = co_await load_json(std::move(key), ttl, std::move(load), std::move(accept));
  if (!value && json) value.emplace(decode<T>(*json));
  if constexpr (maybe) {
    co_return value;
  } else {
    if (!value) throw infra::ProtocolError("redis", "cache loader returned no value", "this is a bug in vibework");
    co_return std::move(*value);
  }
}

}  // namespace vibework::redis
