// Unit tests: RESP encoding, reply parsing (through hiredis's reader), reply conversions,
// pipelines' encoding. No server needed (the reconnect backoff is tested in core: async/backoff_test.cpp).
#include <gtest/gtest.h>

#include "vibework/infra/errors.hpp"
#include "vibework/redis/pipeline.hpp"
#include "vibework/redis/protocol.hpp"

namespace redis = vibework::redis;
using namespace std::chrono_literals;
using namespace std::string_literals;
using redis::Reply;

namespace {
std::vector<Reply> parse_all(std::string_view bytes, std::size_t chunk = 1) {
  redis::ReplyParser parser;
  std::vector<Reply> out;
  for (std::size_t i = 0; i < bytes.size(); i += chunk) {
    parser.feed(bytes.data() + i, std::min(chunk, bytes.size() - i));
    while (auto r = parser.next()) out.push_back(std::move(*r));
  }
  return out;
}
}  // namespace

TEST(RedisProtocol, EncodesCommandsBinarySafe) {
  std::string out;
  const std::string value("a\0b\r\n", 5);
  redis::append_command(out, {"SET", "k", value});
  EXPECT_EQ(out, "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\na\0b\r\n\r\n"s);
}

TEST(RedisProtocol, ParsesEveryReplyTypeEvenByteByByte) {
  const std::string wire = "+OK\r\n-ERR bad\r\n:42\r\n$-1\r\n$3\r\na\0b\r\n*3\r\n:1\r\n*2\r\n$1\r\nx\r\n$-1\r\n+s\r\n*-1\r\n"s;
  for (std::size_t chunk : {std::size_t{1}, std::size_t{7}, wire.size()}) {
    auto replies = parse_all(wire, chunk);
    ASSERT_EQ(replies.size(), 7u);
    EXPECT_EQ(replies[0].type(), Reply::Type::status);
    EXPECT_EQ(replies[0].text(), "OK");
    EXPECT_TRUE(replies[1].is_error());
    EXPECT_EQ(replies[1].text(), "ERR bad");
    EXPECT_EQ(replies[2].integer_value(), 42);
    EXPECT_TRUE(replies[3].is_nil());
    EXPECT_EQ(replies[4].text(), std::string("a\0b", 3));
    ASSERT_TRUE(replies[5].is_array());
    ASSERT_EQ(replies[5].elements().size(), 3u);
    EXPECT_EQ(replies[5].elements()[0].integer_value(), 1);
    ASSERT_EQ(replies[5].elements()[1].elements().size(), 2u);
    EXPECT_EQ(replies[5].elements()[1].elements()[0].text(), "x");
    EXPECT_TRUE(replies[5].elements()[1].elements()[1].is_nil());
    EXPECT_EQ(replies[5].elements()[2].text(), "s");
    EXPECT_TRUE(replies[6].is_nil());
  }
}

TEST(RedisProtocol, GarbageIsAProtocolError) {
  redis::ReplyParser parser;
  parser.feed("HTTP/1.1 400\r\n", 14);
  EXPECT_THROW(parser.next(), vibework::infra::ProtocolError);
}

TEST(RedisReply, ConversionsCheckTypes) {
  EXPECT_EQ(Reply::make_string("v").to_optional_string("GET"), "v");
  EXPECT_EQ(Reply().to_optional_string("GET"), std::nullopt);
  EXPECT_EQ(Reply::make_integer(3).to_integer("DEL"), 3);
  EXPECT_THROW(Reply::make_string("x").to_integer("DEL"), vibework::infra::ProtocolError);
  try {
    Reply::make_error("WRONGTYPE Operation against a key holding the wrong kind of value").to_integer("INCR");
    FAIL();
  } catch (const vibework::infra::QueryError& e) {
    EXPECT_NE(e.message().find("INCR failed: WRONGTYPE"), std::string::npos);
    EXPECT_NE(e.hint().find("another type"), std::string::npos);
  }
}

TEST(RedisPipeline, EncodesOptionsTheWayRedisSpellsThem) {
  auto encoded = [](auto build) {
    redis::Pipeline p;
    build(p);
    return p.bytes();
  };
  auto cmd = [](std::initializer_list<std::string_view> args) {
    std::string out;
    redis::append_command(out, args);
    return out;
  };
  EXPECT_EQ(encoded([](auto& p) { p.set("k", "v", {.ttl = 30s, .condition = redis::SetCondition::nx}); }),
            cmd({"SET", "k", "v", "EX", "30", "NX"}));
  EXPECT_EQ(encoded([](auto& p) { p.set("k", "v", {.ttl = 1500ms, .condition = redis::SetCondition::xx}); }),
            cmd({"SET", "k", "v", "PX", "1500", "XX"}));
  EXPECT_EQ(encoded([](auto& p) { p.set("k", "v", {.keep_ttl = true}); }), cmd({"SET", "k", "v", "KEEPTTL"}));
  EXPECT_EQ(encoded([](auto& p) { p.del({"a", "b"}); }), cmd({"DEL", "a", "b"}));
  EXPECT_EQ(encoded([](auto& p) { p.expire("k", 250ms); }), cmd({"PEXPIRE", "k", "250"}));
  EXPECT_EQ(encoded([](auto& p) { p.incrby("k", 1); }), cmd({"INCR", "k"}));
  redis::Pipeline p;
  p.get("a").get("b").ping();
  EXPECT_EQ(p.size(), 3u);
}
