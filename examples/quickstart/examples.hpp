#pragma once
// The original design's usage examples, one function per service; main.cpp runs them in order.
// Each throws std::runtime_error (through expect) when a result is not what the example says.
#include <chrono>
#include <stdexcept>
#include <string>
#include <string_view>

#include <vibework/vibework.hpp>

namespace quickstart {

using vibework::awaitable;
using namespace std::chrono_literals;

// The components the examples use, started by main.cpp's lifecycle.
struct Services {
  vibework::mysql::Database& mysql;
  vibework::mongodb::Database& mongodb;
  vibework::redis::Client& redis;
  vibework::pubsub::Client& pubsub;
  vibework::auth::Auth& auth;
};

inline void expect(bool holds, std::string_view what) {
  if (!holds) throw std::runtime_error("expected " + std::string(what));
}

// MySQL: create, query, update and delete a user (the table is created if missing).
awaitable<void> users_example(vibework::mysql::Database& db, std::string run_id);
// MongoDB: create, find, update and delete a notification.
awaitable<void> notifications_example(vibework::mongodb::Database& db, std::string run_id);
// Redis: setex/get/del, then the cache-aside get_cached_user / update_user over MySQL.
awaitable<void> cache_example(vibework::redis::Client& redis, vibework::mysql::Database& db, std::string run_id);
// Auth: a user, a session, get_session, a guarded route, delete_session.
awaitable<void> auth_example(vibework::auth::Auth& auth, vibework::http::Router& router, std::string run_id);
// Pub/Sub: publish to notifications-created and receive it on the subscription `subscription`.
awaitable<void> events_example(vibework::pubsub::Client& pubsub, std::string subscription, std::string run_id);

}  // namespace quickstart
