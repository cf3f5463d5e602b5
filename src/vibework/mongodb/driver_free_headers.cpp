// Compiled by a ctest without the mongo-c-driver include paths (see CMakeLists.txt): the public
// headers must not need <bson/bson.h> or <mongoc/mongoc.h>.
#include "vibework/mongodb/codec.hpp"
#include "vibework/mongodb/collection.hpp"
#include "vibework/mongodb/config.hpp"
#include "vibework/mongodb/database.hpp"
#include "vibework/mongodb/declare_document.hpp"
#include "vibework/mongodb/document.hpp"
#include "vibework/mongodb/find_options.hpp"
#include "vibework/mongodb/index_spec.hpp"
#include "vibework/mongodb/json_form.hpp"
#include "vibework/mongodb/model.hpp"
#include "vibework/mongodb/mongodb.hpp"
#include "vibework/mongodb/object_id.hpp"
#include "vibework/mongodb/query.hpp"
#include "vibework/models/notification.hpp"

// Instantiates the codec and the typed queries for a document, as user code does.
inline void driver_free_use(vibework::models::NotificationDocument& doc) {
  using vibework::models::Notification;
  auto bson = vibework::mongodb::encode(doc);
  doc = vibework::mongodb::decode<vibework::models::NotificationDocument>(bson.get(), "notifications");
  auto filter = Notification::user_id == "u1" && Notification::read.in(true, false);
  auto update = set(Notification::read, true).unset(Notification::data);
  (void)filter, (void)update;
}
