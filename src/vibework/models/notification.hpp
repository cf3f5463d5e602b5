#pragma once
// Notification: a message for one user, stored in MongoDB's "notifications" collection.
// Wire form: {_id, userId, type: "info"|"success"|"warning"|"error"|"system", title, message,
// read, readAt?, data?, deliveredAt?, outbox?, createdAt, updatedAt}.
//
// `outbox` is the transactional outbox of the notification.created event: written in the same
// insert as the notification (FerretDB has no multi-document transactions, so the event rides in
// the document), removed by the relay once Pub/Sub has acknowledged it.
#include <optional>
#include <string>
#include <vector>

#include <boost/describe/class.hpp>
#include <boost/describe/enum.hpp>
#include <boost/json/value.hpp>

#include "vibework/mongodb/declare_document.hpp"
#include "vibework/mongodb/model.hpp"

namespace vibework::models {

enum class NotificationType { info, success, warning, error, system };
BOOST_DESCRIBE_ENUM(NotificationType, info, success, warning, error, system)

// The not-yet-relayed event of a notification. A relay claims it by setting the lease (owner and
// expiry); an expired lease is free to claim again, so a relay that died loses nothing.
struct PendingEvent {
  std::string event_id{};                          // eventId: the stable id (vibework-id attribute); not
                                                   // `id`, which the codec would write as `_id`
  std::optional<std::string> lease_owner{};        // leaseOwner: the relay pass that claimed it
  std::optional<mongodb::TimePoint> lease_until{}; // leaseUntil: the claim's expiry
  std::optional<std::string> traceparent{};        // the W3C traceparent of the request that created it
  bool operator==(const PendingEvent&) const = default;
};
BOOST_DESCRIBE_STRUCT(PendingEvent, (), (event_id, lease_owner, lease_until, traceparent))

VIBEWORK_MONGODB_DOCUMENT(NotificationDocument,
    (mongodb::ObjectId, id),                         // _id; create() fills it in
    (std::string, user_id),                          // userId
    (NotificationType, type, NotificationType::info),
    (std::string, title),
    (std::string, message),
    (bool, read),
    (std::optional<mongodb::TimePoint>, read_at),    // readAt: when it was marked read
    (std::optional<boost::json::value>, data),       // free-form object; absent when not set
    (std::optional<mongodb::TimePoint>, delivered_at),  // deliveredAt: set once by the worker
    (std::optional<PendingEvent>, outbox),           // the notification.created event until relayed
    (std::optional<bool>, event_pending),            // eventPending: true while `outbox` is there (indexed:
                                                     // FerretDB indexes and pushes down top-level equality only)
    (mongodb::TimePoint, created_at),                // createdAt, set by create()
    (mongodb::TimePoint, updated_at))                // updatedAt, set by create() and every update

// Notification::user_id, Notification::read ...: the fields, inherited from the document's.
struct Notification : mongodb::Model<Notification, NotificationDocument> {
  using Model::Model;

  static constexpr std::string_view collection_name = "notifications";
  static constexpr bool timestamps = true;

  // A user's notifications newest first (the list and its cursor), the unread ones (filter and
  // count), and the outbox entries the relay looks for.
  static std::vector<mongodb::IndexSpec> indexes();
};

}  // namespace vibework::models
