// MongoDB: the original's Mongoose examples on a typed model.
#include "examples.hpp"
#include "schema.hpp"

namespace quickstart {

awaitable<void> notifications_example(mongodb::Database& db, std::string run_id) {
  const std::string user_id = "user-" + run_id;

  // snippet:notifications
  Notification notifications(db);

  // Create notification (named first, then awaited: see the README's note on GCC 12)
  NotificationDocument welcome{.user_id = user_id, .type = NotificationType::email,
                               .title = "Welcome", .message = "Welcome to VibeWork"};
  NotificationDocument created = co_await notifications.create(std::move(welcome));

  // Query notifications
  auto unread = co_await notifications.find(Notification::user_id == user_id && Notification::read == false);
  expect(unread.size() == 1 && unread[0].id == created.id, "one unread notification");

  // Update notification
  auto seen = co_await notifications.find_by_id_and_update(created.id, mongodb::set(Notification::read, true),
                                                           {.return_new = true});
  expect(seen && seen->read, "the notification to be marked read");

  // Delete notification
  auto deleted = co_await notifications.find_by_id_and_delete(created.id);
  expect(deleted && deleted->id == created.id, "to delete the notification");
  // snippet-end
}

}  // namespace quickstart
