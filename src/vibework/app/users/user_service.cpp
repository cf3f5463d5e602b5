#include "vibework/app/users/user_service.hpp"

#include <spdlog/spdlog.h>

namespace vibework::app::users {

awaitable<std::optional<schema::User>> UserService::get_cached_user(std::string user_id) {
  auto load = [this, &user_id]() -> awaitable<std::optional<schema::User>> { co_return co_await users_.find(user_id); };
  co_return co_await cache_.get_or_load<schema::User>(key(user_id), ttl_, load);
}

awaitable<std::optional<schema::User>> UserService::update_user(std::string user_id, auth::ProfileChange change) {
  auto updated = co_await users_.update_profile(user_id, std::move(change));
  co_await forget(std::move(user_id));
  co_return updated;
}

awaitable<void> UserService::forget(std::string user_id) {
  try {
    (void)co_await cache_.invalidate(key(user_id));
    if (forget_failing_.exchange(false)) spdlog::info("users: Redis answers again; cached users are dropped on change");
  } catch (const std::exception& e) {  // Redis down: reads go to MySQL meanwhile; entries left expire
    if (!forget_failing_.exchange(true)) {
      spdlog::warn("users: Redis is unavailable ({}); users changed meanwhile stay cached up to {} s", e.what(),
                   ttl_.count());
    }
  }
}

}  // namespace vibework::app::users
