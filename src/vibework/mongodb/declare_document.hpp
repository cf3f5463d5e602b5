#pragma once
// One declaration per document: the struct, its BOOST_DESCRIBE_STRUCT and a typed Field per
// member, from a single list. Adding a field is one line.
//
//   VIBEWORK_MONGODB_DOCUMENT(NotificationDocument,
//       (mongodb::ObjectId, id),                              // (type, member [, default value])
//       (std::string, user_id),
//       (NotificationType, type, NotificationType::info),
//       (bool, read))
//
// expands, at namespace scope, to
//
//   struct NotificationDocument { mongodb::ObjectId id{}; std::string user_id{}; ... };
//   BOOST_DESCRIBE_STRUCT(NotificationDocument, (), (id, user_id, type, read))
//   struct NotificationDocumentFields {
//     static constexpr mongodb::Field<&NotificationDocument::user_id> user_id{};  ...
//   };
//
// A Model over the document inherits the fields (Model<Notification, NotificationDocument> gives
// Notification::user_id == "u1"); a field named like a Model function (find, count...) is
// reached through NotificationDocumentFields. Members without a default are value-initialised.
#include "vibework/infra/describe/declare.hpp"
#include "vibework/mongodb/query.hpp"

#define VIBEWORK_MONGODB_DOCUMENT(Doc, ...) VIBEWORK_MONGODB_DETAIL_DOCUMENT(Doc, BOOST_PP_VARIADIC_TO_SEQ(__VA_ARGS__))

#define VIBEWORK_MONGODB_DETAIL_DOCUMENT(Doc, seq)                         \
  VIBEWORK_DETAIL_DESCRIBED_STRUCT(Doc, VIBEWORK_DETAIL_MEMBER_WITH_DEFAULT, seq) \
  struct Doc##Fields {                                                     \
    BOOST_PP_SEQ_FOR_EACH(VIBEWORK_MONGODB_DETAIL_FIELD, Doc, seq)         \
  };                                                                       \
  /* Found by argument-dependent lookup: how Model finds the fields. */ \
  [[maybe_unused]] inline Doc##Fields vibework_mongodb_fields(const Doc*) { return {}; }

#define VIBEWORK_MONGODB_DETAIL_FIELD(r, Doc, m) \
  [[maybe_unused]] static constexpr ::vibework::mongodb::Field<&Doc::VIBEWORK_DETAIL_MEMBER_NAME(m)> VIBEWORK_DETAIL_MEMBER_NAME(m){};
