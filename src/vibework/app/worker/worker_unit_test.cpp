// Unit tests of the worker's pure parts: reading notification.created, and what
// `pubsub dead-letters` prints and republishes.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "vibework/app/worker/dead_letters.hpp"
#include "vibework/app/worker/notification_created.hpp"
#include "vibework/app/worker/notification_handler.hpp"
#include "vibework/pubsub/credentials.hpp"
#include "vibework/pubsub/subscriber.hpp"

namespace vibework::app::worker {
namespace {

using ::testing::HasSubstr;

pubsub::Message message(std::string data, pubsub::Attributes attributes = {}) {
  pubsub::Message m;
  m.data = std::move(data);
  m.attributes = std::move(attributes);
  m.message_id = "42";
  return m;
}

constexpr const char* created =
    R"({"event":"notification.created","notificationId":"64b7f0c2a1b2c3d4e5f60718","userId":"u-1","type":"info","title":"Hi","createdAt":"2026-12-01T10:00:00.000Z"})";

TEST(NotificationCreated, ReadsTheRelaysPayloadAndItsEventId) {
  auto parsed = parse_notification_created(message(created, {{"eventType", "notification.created"}, {"vibework-id", "ev-1"}}));
  ASSERT_TRUE(std::holds_alternative<NotificationCreated>(parsed)) << std::get<Malformed>(parsed).why;
  const auto& e = std::get<NotificationCreated>(parsed);
  EXPECT_EQ(e.event_id, "ev-1");
  EXPECT_EQ(e.notification_id.to_string(), "64b7f0c2a1b2c3d4e5f60718");
  EXPECT_EQ(e.user_id, "u-1");
  EXPECT_EQ(e.type, "info");
  EXPECT_EQ(e.title, "Hi");
  EXPECT_EQ(e.created_at, "2026-12-01T10:00:00.000Z");
}

TEST(NotificationCreated, WithoutAVibeworkIdTheMessageIdIsTheEventId) {
  auto parsed = parse_notification_created(message(created));
  ASSERT_TRUE(std::holds_alternative<NotificationCreated>(parsed));
  EXPECT_EQ(std::get<NotificationCreated>(parsed).event_id, "42");
}

TEST(NotificationCreated, SaysWhyAMessageIsPoison) {
  auto why = [](std::string data, pubsub::Attributes attributes = {}) {
    auto parsed = parse_notification_created(message(std::move(data), std::move(attributes)));
    return std::holds_alternative<Malformed>(parsed) ? std::get<Malformed>(parsed).why : std::string("(accepted)");
  };
  EXPECT_THAT(why("{"), HasSubstr("not JSON"));
  EXPECT_THAT(why("\"text\""), HasSubstr("not a JSON object"));
  EXPECT_THAT(why(created, {{"eventType", "user.created"}}), HasSubstr("eventType 'user.created' is not notification.created"));
  EXPECT_THAT(why(R"({"event":"user.created"})"), HasSubstr("event 'user.created'"));
  EXPECT_THAT(why(R"({"event":"notification.created","notificationId":"nope"})"), HasSubstr("'nope' is not an ObjectId"));
  EXPECT_THAT(why(R"({"event":"notification.created","notificationId":"64b7f0c2a1b2c3d4e5f60718","userId":"u"})"),
              HasSubstr("no \"type\""));
  EXPECT_THAT(why(R"({"event":"notification.created","notificationId":"64b7f0c2a1b2c3d4e5f60718","userId":"","type":"info","title":"t","createdAt":"c"})"),
              HasSubstr("\"userId\" is empty"));
}

TEST(RetryNote, TheLastAttemptSaysItIsDeadLettered) {
  EXPECT_EQ(retry_note(0), "nacked for redelivery") << "a subscription without dead-letter policy does not count";
  EXPECT_EQ(retry_note(1), "attempt 1 of 5: nacked for redelivery");
  EXPECT_EQ(retry_note(5), "attempt 5 of 5: nacked, Pub/Sub now moves it to the dead-letter topic");
}

DeadLetter letter(std::string data) {
  DeadLetter d;
  d.message_id = "168";
  d.data_base64 = pubsub::base64_encode(data);
  d.attributes = {{"eventType", "notification.created"},
                  {"vibework-id", "ev-poison"},
                  {"CloudPubSubDeadLetterSourceDeliveryCount", "5"},
                  {"CloudPubSubDeadLetterSourceSubscription", "notifications-created-worker"},
                  {"CloudPubSubDeadLetterSourceSubscriptionProject", "acme"},
                  {"CloudPubSubDeadLetterSourceTopicPublishTime", "2026-12-03T12:09:48.459Z"}};
  return d;
}

TEST(DeadLetters, OneLineWithIdsTypeSourceCountAndTheStartOfTheData) {
  auto d = letter("not json");
  EXPECT_EQ(d.source_subscription(), "notifications-created-worker");
  EXPECT_EQ(d.source_project(), "acme");
  EXPECT_EQ(d.delivery_count(), "5");
  EXPECT_EQ(d.describe(),
            "message 168  vibework-id=ev-poison  eventType=notification.created  from=notifications-created-worker  "
            "deliveries=5  data=not json");
  DeadLetter bare;
  EXPECT_EQ(bare.describe(), "message -  vibework-id=-  eventType=-  from=-  deliveries=-  data=");
}

TEST(DeadLetters, ThePreviewIsShortAndPrintable) {
  EXPECT_EQ(letter(std::string(100, 'x')).data_preview(10), "xxxxxxxxxx...");
  EXPECT_EQ(letter(std::string("a\nb\0c", 5)).data_preview(), "a.b.c");
}

TEST(DeadLetters, AReplayKeepsOurAttributesAndDropsTheServers) {
  const auto attributes = letter("x").replay_attributes();
  EXPECT_EQ(attributes, (std::map<std::string, std::string>{{"eventType", "notification.created"}, {"vibework-id", "ev-poison"}}));
}

}  // namespace
}  // namespace vibework::app::worker
