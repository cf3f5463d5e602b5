#pragma once
// GET /api/users/me and PATCH /api/users/me {name?, image?} (the caller's own user; 401 JSON
// without a session).
#include "vibework/app/users/user_service.hpp"
#include "vibework/auth/auth.hpp"
#include "vibework/http/router.hpp"

namespace vibework::app::users {

void register_user_routes(http::Router& router, auth::Auth& auth, UserService& users);

}  // namespace vibework::app::users
