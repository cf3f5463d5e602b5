#pragma once
// /api/notifications: the signed-in user's own notifications (anyone else's, an unknown or a
// malformed id: 404).
//
//   POST   /api/notifications               {type, title, message, data?} -> 201 the notification
//   GET    /api/notifications?unread=&limit=&cursor=  -> {notifications, nextCursor}, newest first
//   GET    /api/notifications/unread-count  -> {count}
//   POST   /api/notifications/read-all      -> {updated}
//   GET    /api/notifications/:id
//   PATCH  /api/notifications/:id/read      -> the notification, read
//   DELETE /api/notifications/:id           -> 204
#include <boost/json/value.hpp>

#include "vibework/app/notifications/notification_service.hpp"
#include "vibework/auth/auth.hpp"
#include "vibework/http/router.hpp"

namespace vibework::app::notifications {

// {"id","userId","type","title","message","data"?,"read","readAt","createdAt","updatedAt"}
boost::json::value notification_json(const NotificationDocument& doc);
// The POST body, validated: a 400 naming every field that is wrong or unknown.
NewNotification parse_new_notification(const boost::json::object& body);
// The list's query string (unread, limit, cursor), validated the same way.
ListQuery parse_list_query(const http::Request& req);

void register_notification_routes(http::Router& router, auth::Auth& auth, NotificationService& notifications);

}  // namespace vibework::app::notifications
