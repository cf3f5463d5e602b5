#pragma once
// UserService: the original design's users service — getCachedUser (cache-aside over Redis,
// `user:<id>`, JSON, 300 s, single flight, MySQL alone when Redis is down) and updateUser
// (MySQL first, then the cache key goes).
#include <atomic>
#include <chrono>
#include <optional>
#include <string>

#include "vibework/auth/user_store.hpp"
#include "vibework/redis/cache.hpp"
#include "vibework/schema/user.hpp"

namespace vibework::app::users {

class UserService {
 public:
  UserService(auth::UserStore& users, redis::Cache& cache, std::chrono::seconds ttl = std::chrono::seconds(300))
      : users_(users), cache_(cache), ttl_(ttl) {}

  awaitable<std::optional<schema::User>> get_cached_user(std::string user_id);
  // The updated user (nullopt: no such user); the cached copy is dropped after MySQL changed.
  awaitable<std::optional<schema::User>> update_user(std::string user_id, auth::ProfileChange change);
  // Drops the cached copy (auth's update-user and email changes call it through their hook).
  awaitable<void> forget(std::string user_id);

  static std::string key(std::string_view user_id) { return "user:" + std::string(user_id); }

 private:
  auth::UserStore& users_;
  redis::Cache& cache_;
  std::chrono::seconds ttl_;
  std::atomic<bool> forget_failing_{false};  // logged once per outage
};

}  // namespace vibework::app::users
