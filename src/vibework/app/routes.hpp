#pragma once
// The reference service's routes. Each group registers itself on the router.
#include "vibework/auth/auth.hpp"
#include "vibework/app/infrastructure.hpp"
#include "vibework/app/notifications/notification_routes.hpp"
#include "vibework/app/users/user_routes.hpp"
#include "vibework/http/router.hpp"

namespace vibework::app {

struct AppContext {
  const AppConfig& config;
  infra::Readiness& readiness;
  Infrastructure& infrastructure;
  auth::Auth* auth = nullptr;  // the auth routes, when serving
  users::UserService* users = nullptr;  // /api/users/me, when serving
  notifications::NotificationService* notifications = nullptr;  // /api/notifications, when serving
};

void register_health_routes(http::Router& router, AppContext& app);
// GET /openapi.json: docs/openapi.yaml as JSON, embedded at build time.
void register_openapi_routes(http::Router& router);
// /__test/* routes for the end-to-end tests; only when VIBEWORK_TEST_ROUTES is on.
void register_test_routes(http::Router& router, AppContext& app);

inline void register_routes(http::Router& router, AppContext& app) {
  register_health_routes(router, app);
  register_openapi_routes(router);
  if (app.auth != nullptr) app.auth->register_routes(router);
  if (app.auth != nullptr && app.users != nullptr) users::register_user_routes(router, *app.auth, *app.users);
  if (app.auth != nullptr && app.notifications != nullptr) {
    notifications::register_notification_routes(router, *app.auth, *app.notifications);
  }
  if (app.config.get<http::Config>().test_routes) register_test_routes(router, app);
}

}  // namespace vibework::app
