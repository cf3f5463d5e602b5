// Model CRUD against a real server (FerretDB from scripts/services, or MONGODB_URI).
#include "vibework/mongodb/model.hpp"

#include <algorithm>
#include <set>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/describe/class.hpp>
#include <boost/describe/enum.hpp>
#include <boost/json/parse.hpp>
#include <mongoc/mongoc.h>

#include "vibework/mongodb/test_support.hpp"
#include "vibework/models/notification.hpp"
#include "vibework/testkit/async.hpp"
#include "vibework/testkit/co_assert.hpp"

namespace vibework::mongodb {
namespace {

using models::Notification;
using models::NotificationDocument;
using models::NotificationType;
using ::testing::HasSubstr;
using testkit::run_async;

// Every supported member type, stored and read back through the server.
enum class Mood { calm, very_happy };
BOOST_DESCRIBE_ENUM(Mood, calm, very_happy)
struct Part {
  std::string label{};
  double size = 0;
  bool operator==(const Part&) const = default;
};
BOOST_DESCRIBE_STRUCT(Part, (), (label, size))
struct Specimen {
  ObjectId id{};
  std::string text{};
  std::int32_t small = 0;
  std::int64_t big = 0;
  double ratio = 0;
  bool flag = false;
  std::optional<std::string> maybe{};
  std::optional<std::int64_t> never{};
  std::vector<std::string> words{};
  std::vector<Part> parts{};
  Part main_part{};
  TimePoint at{};
  boost::json::value extra{};
  Mood mood = Mood::calm;
  bool operator==(const Specimen&) const = default;
};
BOOST_DESCRIBE_STRUCT(Specimen, (),
                      (id, text, small, big, ratio, flag, maybe, never, words, parts, main_part, at, extra, mood))
struct Specimens : Model<Specimens, Specimen> {
  using Model::Model;
  static constexpr std::string_view collection_name = "specimens";
  static std::vector<IndexSpec> indexes() { return {}; }
};

// Only some fields: find_as<View> projects to these.
struct NotificationTitle {
  ObjectId id{};
  std::string title{};
};
BOOST_DESCRIBE_STRUCT(NotificationTitle, (), (id, title))

class ModelTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    started_ = new test::StartedDatabase(test::config_for("vibework_test_model"));
    try {
      run_async([]() -> awaitable<void> {
        co_await started_->db->start();
        co_await test::drop_database(*started_->db);
      }());
    } catch (const std::exception& e) {
      start_error_ = e.what();  // every test of the suite fails with it (never skipped)
    }
  }
  static void TearDownTestSuite() {
    delete started_;
    started_ = nullptr;
  }
  void SetUp() override {
    ASSERT_TRUE(start_error_.empty()) << "cannot start the MongoDB client: " << start_error_;
    run_async(notifications().delete_many({}));
  }

  static Database& db() { return *started_->db; }
  static Notification notifications() { return Notification(db()); }

  static NotificationDocument note(std::string user, std::string title, bool read = false,
                                   NotificationType type = NotificationType::info) {
    NotificationDocument n;
    n.user_id = std::move(user);
    n.title = std::move(title);
    n.message = "message for " + n.user_id;
    n.read = read;
    n.type = type;
    return n;
  }

  static inline test::StartedDatabase* started_ = nullptr;
  static inline std::string start_error_;
};

TEST_F(ModelTest, RoundTripsEverySupportedTypeThroughTheServer) {
  Specimen s;
  s.text = "ünïcødé \"quoted\"";
  s.small = -7;
  s.big = 1LL << 53;
  s.ratio = 3.25;
  s.flag = true;
  s.maybe = "present";
  s.words = {"a", "b"};
  s.parts = {{"x", 1.5}, {"y", 2}};
  s.main_part = {"main", 9};
  s.at = TimePoint(std::chrono::milliseconds(1'764'388'960'123));
  s.extra = boost::json::parse(R"({"nested": {"list": [1, "two", 3.5, false, null]}, "n": -1})");
  s.mood = Mood::very_happy;
  run_async([&]() -> awaitable<void> {
    Specimens specimens(db());
    const Specimen created = co_await specimens.create(s);
    EXPECT_FALSE(created.id.is_null());
    auto back = co_await specimens.find_by_id(created.id);
    CO_ASSERT_TRUE(back.has_value());
    EXPECT_EQ(*back, created);
  }());
}

TEST_F(ModelTest, CreateReturnsTheStoredDocumentWithIdAndTimestamps) {
  run_async([&]() -> awaitable<void> {
    auto model = notifications();
    const auto before = std::chrono::system_clock::now() - std::chrono::seconds(1);
    auto created = co_await model.create(note("user-123", "Welcome"));
    EXPECT_FALSE(created.id.is_null());
    EXPECT_FALSE(created.read) << "read defaults to false";
    EXPECT_GE(created.created_at, before);
    EXPECT_EQ(created.created_at, created.updated_at);
    auto found = co_await model.find_by_id(created.id.to_string());
    CO_ASSERT_TRUE(found.has_value());
    EXPECT_EQ(found->title, "Welcome");
    EXPECT_EQ(found->created_at, created.created_at);
    EXPECT_FALSE(found->data.has_value());
  }());
}

// The example at the top of docs/mongodb.md, as written there.
TEST_F(ModelTest, DocumentationExample) {
  run_async([&]() -> awaitable<void> {
    Notification notifications(db());
    NotificationDocument welcome{.user_id = "user-123", .type = NotificationType::warning,
                                 .title = "Welcome", .message = "Welcome to VibeWork"};
    auto n = co_await notifications.create(std::move(welcome));
    EXPECT_FALSE(n.read);
    EXPECT_EQ(n.created_at, n.updated_at);
    auto unread = co_await notifications.find(Notification::user_id == "user-123" && Notification::read == false);
    EXPECT_EQ(unread.size(), 1u);
    auto same = co_await notifications.find_by_id(n.id.to_string());
    EXPECT_TRUE(same.has_value());
    auto seen = co_await notifications.find_by_id_and_update(n.id, set(Notification::read, true), {.return_new = true});
    EXPECT_TRUE(seen && seen->read);
    auto gone = co_await notifications.find_by_id_and_delete(n.id);
    EXPECT_TRUE(gone.has_value());
    EXPECT_EQ(co_await notifications.count(Notification::user_id == "user-123"), 0);
  }());
}

TEST_F(ModelTest, FreeFormDataIsStoredAsDocument) {
  run_async([&]() -> awaitable<void> {
    auto model = notifications();
    auto n = note("u-data", "With data");
    n.data = boost::json::parse(R"({"orderId": 42, "items": ["a", "b"]})");
    auto created = co_await model.create(n);
    auto found = co_await model.find_one(Notification::user_id == "u-data");
    CO_ASSERT_TRUE(found && found->data);
    EXPECT_EQ(found->data->at("orderId").as_int64(), 42);
    EXPECT_EQ(found->id, created.id);
  }());
}

TEST_F(ModelTest, FindByIdAndUpdateReturnsNewOrOldDocument) {
  run_async([&]() -> awaitable<void> {
    auto model = notifications();
    auto created = co_await model.create(note("u1", "Hello"));
    auto updated = co_await model.find_by_id_and_update(created.id, set(Notification::read, true), {.return_new = true});
    CO_ASSERT_TRUE(updated.has_value());
    EXPECT_TRUE(updated->read);
    EXPECT_GE(updated->updated_at, created.updated_at) << "updatedAt is maintained";
    EXPECT_EQ(updated->created_at, created.created_at);
    auto old = co_await model.find_by_id_and_update(created.id.to_string(), set(Notification::title, "Renamed"));
    CO_ASSERT_TRUE(old.has_value());
    EXPECT_EQ(old->title, "Hello") << "without return_new the document before the update comes back";
    auto now = co_await model.find_by_id(created.id);
    CO_ASSERT_TRUE(now.has_value());
    EXPECT_EQ(now->title, "Renamed");
    auto missing = co_await model.find_by_id_and_update(ObjectId::generate(), set(Notification::read, true), {.return_new = true});
    EXPECT_FALSE(missing.has_value());
  }());
}

TEST_F(ModelTest, FindByIdAndDelete) {
  run_async([&]() -> awaitable<void> {
    auto model = notifications();
    auto created = co_await model.create(note("u1", "Bye"));
    auto deleted = co_await model.find_by_id_and_delete(created.id);
    CO_ASSERT_TRUE(deleted.has_value());
    EXPECT_EQ(deleted->title, "Bye");
    EXPECT_FALSE((co_await model.find_by_id(created.id)).has_value());
    EXPECT_FALSE((co_await model.find_by_id_and_delete(created.id)).has_value());
  }());
}

TEST_F(ModelTest, FiltersWithAndOrComparisonAndIn) {
  run_async([&]() -> awaitable<void> {
    auto model = notifications();
    co_await model.create(note("u1", "a", false, NotificationType::warning));
    co_await model.create(note("u1", "b", true, NotificationType::success));
    co_await model.create(note("u1", "c", false, NotificationType::info));
    co_await model.create(note("u2", "d", false, NotificationType::warning));

    auto unread = co_await model.find(Notification::user_id == "u1" && Notification::read == false);
    EXPECT_EQ(unread.size(), 2u);
    auto either = co_await model.find(Notification::user_id == "u2" || Notification::read == true);
    EXPECT_EQ(either.size(), 2u);
    auto typed = co_await model.find(Notification::type.in(NotificationType::warning, NotificationType::success));
    EXPECT_EQ(typed.size(), 3u);
    auto not_u1 = co_await model.find(Notification::user_id != "u1");
    EXPECT_EQ(not_u1.size(), 1u);
    auto after_b = co_await model.find(Notification::title > "b");
    EXPECT_EQ(after_b.size(), 2u);
    auto up_to_b = co_await model.find(Notification::title <= "b" && Notification::title >= "a");
    EXPECT_EQ(up_to_b.size(), 2u);
    auto raw = co_await model.find(Filter::json(R"({"title": {"$in": ["a", "d"]}})"));
    EXPECT_EQ(raw.size(), 2u);
    auto negated = co_await model.find(!(Notification::user_id == "u1"));
    EXPECT_EQ(negated.size(), 1u);
  }());
}

TEST_F(ModelTest, SortLimitSkipAndProjection) {
  run_async([&]() -> awaitable<void> {
    auto model = notifications();
    // Options are built outside the co_await: GCC 12 rejects braced lists inside co_await operands.
    const std::vector<std::string> input{"c", "a", "e", "b", "d"};
    for (const auto& t : input) co_await model.create(note("u-sort", t));
    const FindOptions by_title{.sort = {Notification::title.asc()}};
    auto sorted = co_await model.find(Notification::user_id == "u-sort", by_title);
    std::vector<std::string> titles;
    for (auto& n : sorted) titles.push_back(n.title);
    EXPECT_EQ(titles, (std::vector<std::string>{"a", "b", "c", "d", "e"}));

    const FindOptions second_page{.sort = {Notification::title.desc()}, .limit = 2, .skip = 1};
    auto page = co_await model.find(Notification::user_id == "u-sort", second_page);
    titles.clear();
    for (auto& n : page) titles.push_back(n.title);
    EXPECT_EQ(titles, (std::vector<std::string>{"d", "c"}));

    const FindOptions newest{.sort = {Notification::title.desc()}};
    auto first = co_await model.find_one(Notification::user_id == "u-sort", newest);
    EXPECT_EQ(first->title, "e");

    const FindOptions first_only{.sort = {Notification::title.asc()}, .limit = 1};
    auto views = co_await model.find_as<NotificationTitle>(Notification::user_id == "u-sort", first_only);
    EXPECT_EQ(views.size(), 1u);
    if (!views.empty()) {
      EXPECT_EQ(views[0].title, "a");
    }
    const FindOptions projected{.limit = 1, .projection = Document::from_json(R"({"title": 1, "_id": 0})")};
    auto raw = co_await model.find_raw(Notification::user_id == "u-sort", projected);
    EXPECT_EQ(raw.size(), 1u);
    if (!raw.empty()) {
      EXPECT_THAT(raw[0].to_json(), ::testing::Not(HasSubstr("userId")));
    }
  }());
}

TEST_F(ModelTest, CountsUpdateManyAndDeleteMany) {
  run_async([&]() -> awaitable<void> {
    auto model = notifications();
    for (int i = 0; i < 5; ++i) co_await model.create(note("u-count", "n" + std::to_string(i), i % 2 == 0));
    EXPECT_EQ(co_await model.count(Notification::user_id == "u-count"), 5);
    EXPECT_EQ(co_await model.count(Notification::user_id == "u-count" && Notification::read == false), 2);
    auto result = co_await model.update_many(Notification::user_id == "u-count" && Notification::read == false,
                                             set(Notification::read, true));
    EXPECT_EQ(result.matched, 2);
    EXPECT_EQ(result.modified, 2);
    EXPECT_EQ(co_await model.count(Notification::read == false), 0);
    EXPECT_EQ(co_await model.delete_many(Notification::title.in("n0", "n1")), 2);
    EXPECT_EQ(co_await model.count(), 3);
  }());
}

TEST_F(ModelTest, InvalidObjectIdIsAClientError) {
  auto model = notifications();
  for (const char* bad : {"not-an-id", "", "65a1f0c2e4b0a1b2c3d4e5f", "zza1f0c2e4b0a1b2c3d4e5f6"}) {
    EXPECT_THROW(run_async(model.find_by_id(std::string_view(bad))), infra::InvalidArgumentError) << bad;
    EXPECT_THROW(run_async(model.find_by_id_and_delete(std::string_view(bad))), infra::InvalidArgumentError) << bad;
    EXPECT_THROW(run_async(model.find_by_id_and_update(std::string_view(bad), set(Notification::read, true))),
                 infra::InvalidArgumentError);
  }
}

TEST_F(ModelTest, MalformedStoredDocumentGivesANamedError) {
  run_async([&]() -> awaitable<void> {
    // Inserted by hand, as another program might: read is a string, title is missing.
    auto raw = Document::from_json(
        R"({"_id": {"$oid": "65a1f0c2e4b0a1b2c3d4e5f6"}, "userId": "u-bad", "type": "warning", "message": "m",
            "read": "no", "createdAt": {"$date": 0}, "updatedAt": {"$date": 0}})");
    co_await db().collection("notifications").insert_one(raw);
    auto model = notifications();
    try {
      (void)co_await model.find_by_id("65a1f0c2e4b0a1b2c3d4e5f6");
      ADD_FAILURE() << "decoding should fail";
    } catch (const DocumentDecodeError& e) {
      EXPECT_EQ(e.collection(), "notifications");
      EXPECT_EQ(e.id(), "65a1f0c2e4b0a1b2c3d4e5f6");
      EXPECT_EQ(e.field(), "title");
      EXPECT_THAT(e.what(), HasSubstr("is missing"));
    }
    co_await db().collection("notifications").update_many(Document::from_json(R"({"userId": "u-bad"})"),
                                                            Document::from_json(R"({"$set": {"title": "t"}})"));
    try {
      (void)co_await model.find(Notification::user_id == "u-bad");
      ADD_FAILURE() << "decoding should fail";
    } catch (const DocumentDecodeError& e) {
      EXPECT_EQ(e.field(), "read");
      EXPECT_THAT(e.what(), HasSubstr("is a string, expected bool"));
    }
    co_await db().collection("notifications").update_many(
        Document::from_json(R"({"userId": "u-bad"})"), Document::from_json(R"({"$set": {"read": true, "type": "sms"}})"));
    try {
      (void)co_await model.find(Notification::user_id == "u-bad");
      ADD_FAILURE() << "decoding should fail";
    } catch (const DocumentDecodeError& e) {
      EXPECT_EQ(e.field(), "type");
      EXPECT_THAT(e.what(), HasSubstr("unknown value 'sms'"));
    }
  }());
}

TEST_F(ModelTest, HundredConcurrentCreatesOnTheDefaultPool) {
  constexpr int n = 100;
  std::set<std::string> ids;
  int failures = 0;
  run_async([&]() -> awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    int done = 0;
    for (int i = 0; i < n; ++i) {
      asio::co_spawn(
          ex,
          [&, i]() -> awaitable<void> {
            try {
              auto created = co_await notifications().create(note("u-concurrent", "n" + std::to_string(i)));
              ids.insert(created.id.to_string());
            } catch (const std::exception& e) {
              ++failures;
              ADD_FAILURE() << e.what();
            }
            ++done;
          },
          asio::detached);
    }
    auto all_done = [&] { return done == n; };
    EXPECT_TRUE(co_await testkit::eventually_async(all_done, std::chrono::seconds(30)));
    EXPECT_EQ(co_await notifications().count(Notification::user_id == "u-concurrent"), n);
  }());
  EXPECT_EQ(failures, 0);
  EXPECT_EQ(ids.size(), static_cast<std::size_t>(n));
}

}  // namespace
}  // namespace vibework::mongodb
