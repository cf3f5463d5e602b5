#include "vibework/mongodb/query.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "vibework/mongodb/declare_document.hpp"
#include "vibework/mongodb/index_spec.hpp"
#include "vibework/models/notification.hpp"

namespace vibework::mongodb {
namespace {

using models::Notification;
using models::NotificationType;

// Compares through canonical JSON so the expectations read like the MongoDB shell.
std::string json(const Document& d) { return d.to_json(); }
std::string json(const char* text) { return Document::from_json(text).to_json(); }

TEST(Field, KnowsItsWireName) {
  EXPECT_EQ(Notification::id.name(), "_id");
  EXPECT_EQ(Notification::user_id.name(), "userId");
  EXPECT_EQ(Notification::created_at.name(), "createdAt");
  EXPECT_EQ(Notification::read.name(), "read");
}

// One list declares the struct, its description and its fields.
VIBEWORK_MONGODB_DOCUMENT(Gadget,
    (std::string, serial_no),
    (int, weight_grams, 250),
    (std::optional<std::string>, note))

TEST(Field, DeclaredInOneListWithDefaults) {
  const Gadget g{.serial_no = "g1"};
  EXPECT_EQ(g.weight_grams, 250);
  EXPECT_FALSE(g.note.has_value());
  EXPECT_EQ(wire_names<Gadget>(), (std::vector<std::string>{"serialNo", "weightGrams", "note"}));
  EXPECT_EQ(GadgetFields::weight_grams.name(), "weightGrams");
  static_assert(std::is_same_v<decltype(Notification::type), const Field<&models::NotificationDocument::type>>);
  EXPECT_EQ(models::NotificationDocument{}.type, NotificationType::info);
  EXPECT_EQ(json((GadgetFields::weight_grams > 100).bson()), json(R"({"weightGrams": {"$gt": 100}})"));
}

TEST(Filter, ComparisonsAndConjunction) {
  const Filter f = Notification::user_id == "u1" && Notification::read == false;
  EXPECT_EQ(json(f.bson()), json(R"({"$and": [{"userId": "u1"}, {"read": false}]})"));
}

TEST(Filter, AndOrFlattenAndNest) {
  const Filter f = (Notification::title == "a" && Notification::title != "b" && Notification::read == true) ||
                   Notification::type == NotificationType::success || Notification::read == false;
  EXPECT_EQ(json(f.bson()),
            json(R"({"$or": [{"$and": [{"title": "a"}, {"title": {"$ne": "b"}}, {"read": true}]},
                             {"type": "success"}, {"read": false}]})"));
}

TEST(Filter, RangeInExistsAndNot) {
  const auto t = TimePoint(std::chrono::milliseconds(1000));
  EXPECT_EQ(json((Notification::created_at >= t).bson()), json(R"({"createdAt": {"$gte": {"$date": 1000}}})"));
  EXPECT_EQ(json((Notification::created_at < t).bson()), json(R"({"createdAt": {"$lt": {"$date": 1000}}})"));
  EXPECT_EQ(json(Notification::type.in({NotificationType::warning, NotificationType::info}).bson()),
            json(R"({"type": {"$in": ["warning", "info"]}})"));
  EXPECT_EQ(json(Notification::data.exists(false).bson()), json(R"({"data": {"$exists": false}})"));
  EXPECT_EQ(json((!(Notification::read == true)).bson()), json(R"({"$nor": [{"read": true}]})"));
}

TEST(Filter, EmptyFilterMatchesAllAndIsNeutralForAnd) {
  EXPECT_TRUE(Filter().matches_all());
  EXPECT_EQ(json((Filter() && Notification::read == true).bson()), json(R"({"read": true})"));
  EXPECT_TRUE((Filter() || Notification::read == true).matches_all());
}

TEST(Filter, DocumentValuesUseEqSoTheyCannotActAsOperators) {
  const auto evil = boost::json::value{{"$ne", nullptr}};
  EXPECT_EQ(json((Notification::data == evil).bson()), json(R"({"data": {"$eq": {"$ne": null}}})"));
}

TEST(Filter, RawEscapeHatch) {
  EXPECT_EQ(json(Filter::json(R"({"read": {"$ne": true}})").bson()), json(R"({"read": {"$ne": true}})"));
  EXPECT_THROW(Filter::json("{not json"), infra::InvalidArgumentError);
}

TEST(Update, SetUnsetIncAndTouch) {
  Update u = set(Notification::read, true).set(Notification::title, "Seen");
  u.unset(Notification::data);
  u.touch("updatedAt", TimePoint(std::chrono::milliseconds(5)));
  EXPECT_EQ(json(u.to_bson()),
            json(R"({"$set": {"read": true, "title": "Seen", "updatedAt": {"$date": 5}}, "$unset": {"data": ""}})"));
}

TEST(Update, SettingAnEmptyOptionalUnsets) {
  const Update u = set(Notification::data, std::nullopt);
  EXPECT_EQ(json(u.to_bson()), json(R"({"$unset": {"data": ""}})"));
}

TEST(Update, TouchKeepsAnExplicitValueAndSkipsRaw) {
  const auto t = TimePoint(std::chrono::milliseconds(7));
  Update u = set(Notification::updated_at, t);
  u.touch("updatedAt", TimePoint(std::chrono::milliseconds(9)));
  EXPECT_EQ(json(u.to_bson()), json(R"({"$set": {"updatedAt": {"$date": 7}}})"));
  Update raw = Update::raw(Document::from_json(R"({"$inc": {"n": 1}})"));
  raw.touch("updatedAt", t);
  EXPECT_EQ(json(raw.to_bson()), json(R"({"$inc": {"n": 1}})"));
}

TEST(Sort, AndProjection) {
  EXPECT_EQ(json(sort_document({Notification::created_at.desc(), Notification::title.asc()})),
            json(R"({"createdAt": -1, "title": 1})"));
}

TEST(IndexSpec, NameAndOptions) {
  const auto specs = Notification::indexes();
  ASSERT_EQ(specs.size(), 3u);
  EXPECT_EQ(specs[0].effective_name(), "userId_1_createdAt_-1__id_-1");
  EXPECT_EQ(specs[2].effective_name(), "eventPending_1_createdAt_1");
  EXPECT_EQ(specs[1].effective_name(), "userId_1_read_1_createdAt_-1");
  EXPECT_EQ(json(specs[1].to_bson()),
            json(R"({"key": {"userId": 1, "read": 1, "createdAt": -1}, "name": "userId_1_read_1_createdAt_-1"})"));
  const IndexSpec ttl{.keys = {Notification::created_at.asc()}, .name = "expire", .unique = true,
                      .expire_after = std::chrono::seconds(60)};
  EXPECT_EQ(json(ttl.to_bson()),
            json(R"({"key": {"createdAt": 1}, "name": "expire", "unique": true, "expireAfterSeconds": {"$numberLong": "60"}})"));
}

}  // namespace
}  // namespace vibework::mongodb
