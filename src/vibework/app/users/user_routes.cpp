#include "vibework/app/users/user_routes.hpp"

#include <boost/json/object.hpp>

#include "vibework/auth/request_body.hpp"
#include "vibework/auth/text.hpp"
#include "vibework/auth/endpoint.hpp"
#include "vibework/auth/wire.hpp"
#include "vibework/http/http_error.hpp"
#include "vibework/http/response.hpp"

namespace vibework::app::users {

namespace {
constexpr std::size_t max_name_length = 255;
constexpr std::size_t max_image_bytes = 65535;  // the user.image column (TEXT)

// The original's {id, name, email, emailVerified, image, createdAt, updatedAt}.
http::Response user_response(const schema::User& user) {
  return http::text_response(http::Status::ok, "application/json", auth::user_json_text(user));
}

// PATCH's body: name (1..255 characters once trimmed) and image (a string of at most 65535
// bytes, or null); anything else is a 400 naming the field.
auth::ProfileChange profile_change(const boost::json::object& body) {
  auth::BodyFields fields(body);
  auth::ProfileChange change;
  for (const auto& [key, value] : body) {
    if (key != "name" && key != "image") fields.issue(key, "Unrecognized key: not one of name, image");
  }
  if (auto name = fields.optional_string("name")) {
    const auto trimmed = std::string(auth::trim(*name));
    if (trimmed.empty() || auth::utf16_length(trimmed) > max_name_length) {
      fields.issue("name", "must be 1 to 255 characters");
    }
    change.name = trimmed;
  }
  if (const auto* image = body.if_contains("image"); image != nullptr && image->is_null()) {
    change.image = std::optional<std::string>();
  } else if (auto given = fields.optional_string("image")) {
    if (given->size() > max_image_bytes) fields.issue("image", "must be at most 65535 bytes");
    change.image = std::move(given);
  }
  fields.finish();
  if (change.empty()) throw http::HttpError(http::Status::bad_request, "VALIDATION_ERROR", "[body] no field to update (name, image)");
  return change;
}
}  // namespace

void register_user_routes(http::Router& router, auth::Auth& auth, UserService& users) {
  auto me = [&users](http::Request&, const auth::SignedIn& who) -> awaitable<http::Response> {
    auto user = co_await users.get_cached_user(who.user.id);
    if (!user) throw http::HttpError(http::Status::unauthorized, "UNAUTHORIZED", "Unauthorized");  // deleted meanwhile
    co_return user_response(*user);
  };
  router.get("/api/users/me", auth.require_session(std::move(me)));

  auto update = [&users, &auth](http::Request& req, const auth::SignedIn& who) -> awaitable<http::Response> {
    auto change = profile_change(auth::read_body(req, auth::required_body));
    auto user = co_await users.update_user(who.user.id, std::move(change));
    if (!user) throw http::HttpError(http::Status::unauthorized, "UNAUTHORIZED", "Unauthorized");
    co_await auth.sessions().forget_user(who.user.id);  // cached sessions carry the old profile
    co_return user_response(*user);
  };
  router.patch("/api/users/me", auth.require_session(std::move(update)));
}

}  // namespace vibework::app::users
