#pragma once
// NotificationOutbox: the outbox of notification.created events, kept inside the notification
// documents (FerretDB has no multi-document transactions, so the event rides in the insert that
// creates the notification: field `outbox`, see models/notification.hpp). The relay claims
// documents whose `outbox` is unleased or whose lease expired, publishes the events to
// `notifications-created`, and removes `outbox` once Pub/Sub acknowledged them: nothing is left
// to prune.
#include "vibework/app/events/outbox_store.hpp"
#include "vibework/models/notification.hpp"

namespace vibework::app::notifications {

// {"event":"notification.created","notificationId","userId","type","title","createdAt"}: what
// the original published, with the notification's id.
events::OutboxEvent notification_created_event(const models::NotificationDocument& doc);

class NotificationOutbox final : public events::OutboxStore {
 public:
  explicit NotificationOutbox(mongodb::Database& db) : model_(db) {}

  std::string_view name() const override { return "mongodb notifications"; }
  awaitable<std::vector<events::OutboxEvent>> claim(std::string owner, std::size_t max,
                                                    std::chrono::milliseconds lease) override;
  awaitable<void> mark_published(std::string owner, std::vector<std::string> ids) override;
  awaitable<void> release(std::string owner, std::vector<std::string> ids) override;
  awaitable<std::size_t> prune(std::chrono::seconds) override { co_return 0; }
  awaitable<events::OutboxBacklog> backlog() override;

 private:
  models::Notification model_;
};

}  // namespace vibework::app::notifications
