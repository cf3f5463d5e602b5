#include "vibework/redis/cache.hpp"

#include <vector>

#include <spdlog/spdlog.h>

#include "vibework/infra/async/completion.hpp"

namespace vibework::redis {

// One load in progress for one key. Guarded by Cache::mutex_ (except `invalidated`).
struct Cache::Flight {
  std::vector<std::unique_ptr<infra::Completion<std::optional<std::string>>>> waiters;
  bool finished = false;
  std::optional<std::string> result;
  std::exception_ptr error;
  std::atomic<bool> invalidated{false};
};

Cache::Cache(Client& client, CacheOptions options) : client_(client), options_(std::move(options)) {}
Cache::~Cache() = default;

void Cache::attach_metrics(infra::metrics::Registry& r, std::string_view name) {
  const std::vector<std::string> label{"cache"};
  const std::vector<std::string> value{std::string(name)};
  metrics_.push_back(r.counter_callback("cache_hits_total", "Cache lookups answered from Redis, by cache.", label, value,
                                        [this] { return static_cast<double>(hits_.load()); }));
  metrics_.push_back(r.counter_callback("cache_misses_total", "Cache lookups that ran the loader (not in Redis), by cache.",
                                        label, value, [this] {
                                          const auto loads = loads_.load(), errors = redis_errors_.load();
                                          return static_cast<double>(loads > errors ? loads - errors : 0);
                                        }));
  metrics_.push_back(r.counter_callback("cache_fallbacks_total",
                                        "Cache lookups answered by the loader because Redis failed, by cache.", label,
                                        value, [this] { return static_cast<double>(redis_errors_.load()); }));
}

CacheStats Cache::stats() const {
  return CacheStats{hits_.load(), loads_.load(), coalesced_.load(), redis_errors_.load()};
}

awaitable<std::optional<std::string>> Cache::get_or_load_text(std::string key, std::chrono::seconds ttl,
                                                              TextLoader loader) {
  Accept any = [](const std::string&) { return true; };
  co_return co_await load_json(std::move(key), ttl, std::move(loader), std::move(any));
}

awaitable<std::optional<std::string>> Cache::load_json(std::string key, std::chrono::seconds ttl, JsonLoader loader,
                                                       Accept accept) {
  const std::string full = options_.prefix + key;
  std::shared_ptr<Flight> flight;
  bool leader = false;
  {
    std::lock_guard lock(mutex_);
    auto [it, inserted] = flights_.try_emplace(full);
    if (inserted) it->second = std::make_shared<Flight>();
    flight = it->second;
    leader = inserted;
  }
  if (!leader) {
    coalesced_.fetch_add(1, std::memory_order_relaxed);
    auto wait_for_leader = [&](std::unique_ptr<infra::Completion<std::optional<std::string>>> done) {
      std::unique_lock lock(mutex_);
      if (!flight->finished) {
        flight->waiters.push_back(std::move(done));
        return;
      }
      lock.unlock();
      done->complete(flight->error, flight->result);
    };
    co_return co_await infra::suspend_into<std::optional<std::string>>(std::move(wait_for_leader));
  }

  std::optional<std::string> result;
  std::exception_ptr error;
  try {
    result = co_await lookup_or_load(full, ttl, loader, accept, *flight);
  } catch (...) {
    error = std::current_exception();
  }
  std::vector<std::unique_ptr<infra::Completion<std::optional<std::string>>>> waiters;
  {
    std::lock_guard lock(mutex_);
    flights_.erase(full);
    flight->finished = true;
    flight->result = result;
    flight->error = error;
    waiters = std::move(flight->waiters);
  }
  for (auto& w : waiters) w->complete(error, result);
  if (error) std::rethrow_exception(error);
  co_return result;
}

awaitable<std::optional<std::string>> Cache::lookup_or_load(const std::string& full_key, std::chrono::seconds ttl,
                                                            const JsonLoader& loader, const Accept& accept,
                                                            Flight& flight) {
  bool redis_ok = true;
  try {
    auto cached = co_await client_.get(full_key);
    note_redis_ok();
    if (cached) {
      if (accept(*cached)) {
        hits_.fetch_add(1, std::memory_order_relaxed);
        co_return cached;
      }
      spdlog::warn("cache: the value at {} does not parse as the expected type; reloading it", full_key);
    }
  } catch (const infra::Error& e) {
    redis_ok = false;
    note_redis_failure(e);
  }

  loads_.fetch_add(1, std::memory_order_relaxed);
  auto loaded = co_await loader();
  // Skip the write when Redis just failed (it would likely fail again, slowly) or when the
  // key was invalidated while we loaded (our value may predate the change).
  if (loaded && redis_ok && !flight.invalidated.load()) {
    try {
      co_await client_.setex(full_key, ttl, *loaded);
    } catch (const infra::Error& e) {
      note_redis_failure(e);
    }
  }
  co_return loaded;
}

awaitable<std::int64_t> Cache::invalidate(KeyList keys) {
  std::vector<std::string> full;
  full.reserve(keys.size());
  {
    std::lock_guard lock(mutex_);
    for (auto k : keys.items()) {
      full.push_back(options_.prefix + std::string(k));
      if (auto it = flights_.find(full.back()); it != flights_.end()) it->second->invalidated.store(true);
    }
  }
  return client_.del(KeyList(full));
}

void Cache::note_redis_ok() {
  if (degraded_.load(std::memory_order_relaxed) && degraded_.exchange(false)) {
    spdlog::info("cache: Redis answers again; caching resumed");
  }
}

void Cache::note_redis_failure(const std::exception& e) {
  redis_errors_.fetch_add(1, std::memory_order_relaxed);
  if (!degraded_.exchange(true)) {
    spdlog::warn("cache: Redis failed ({}); serving from the loaders until it is back", e.what());
  }
}

}  // namespace vibework::redis
