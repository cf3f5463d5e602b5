#include "vibework/models/notification.hpp"

namespace vibework::models {

std::vector<mongodb::IndexSpec> Notification::indexes() {
  return {
      // GET /api/notifications: newest first, (createdAt, _id) is the cursor.
      {.keys = {user_id.asc(), created_at.desc(), id.desc()}},
      // ?unread=true and unread-count.
      {.keys = {user_id.asc(), read.asc(), created_at.desc()}},
      // The outbox relay: pending events, oldest first.
      {.keys = {event_pending.asc(), created_at.asc()}},
  };
}

}  // namespace vibework::models
