#include "vibework/models/notification.hpp"

namespace vibework::models {

std::vector<mongodb::IndexSpec> Notification::indexes() {
  return {
      {.keys = {user_id.asc(), read.asc(), created_at.desc()}},
  };
}

}  // namespace vibework::models
