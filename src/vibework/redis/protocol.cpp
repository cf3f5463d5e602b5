#include "vibework/redis/protocol.hpp"

#include <charconv>

#include <hiredis/read.h>

#include "vibework/infra/errors.hpp"

namespace vibework::redis {

namespace {
void append_number(std::string& out, std::size_t n) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, n);
  out.append(buf, end);
}
}  // namespace

void append_array_header(std::string& out, std::size_t count) {
  out += '*';
  append_number(out, count);
  out += "\r\n";
}

void append_bulk(std::string& out, std::string_view arg) {
  out += '$';
  append_number(out, arg.size());
  out += "\r\n";
  out.append(arg);
  out += "\r\n";
}

void append_command(std::string& out, std::span<const std::string_view> args) {
  std::size_t size = 16;
  for (auto a : args) size += a.size() + 16;
  out.reserve(out.size() + size);
  append_array_header(out, args.size());
  for (auto a : args) append_bulk(out, a);
}

// --- hiredis reader callbacks -------------------------------------------------------------
// hiredis asks us to create each value. A top-level value is a new heap Reply; a value inside
// an array is constructed in place in its parent's (pre-sized) element vector, so nothing is
// copied after parsing.

namespace {
Reply* slot_for(const redisReadTask* task) {
  if (task->parent == nullptr) return new Reply();
  auto* parent = static_cast<Reply*>(task->parent->obj);
  return &parent->elements()[static_cast<std::size_t>(task->idx)];
}
}  // namespace

struct ReplyBuilder {
  static void* create_string(const redisReadTask* task, char* str, std::size_t len) {
    Reply* r = slot_for(task);
    std::string s(str, len);
    switch (task->type) {
      case REDIS_REPLY_ERROR: *r = Reply::make_error(std::move(s)); break;
      case REDIS_REPLY_STATUS: *r = Reply::make_status(std::move(s)); break;
      default: *r = Reply::make_string(std::move(s)); break;
    }
    return r;
  }
  static void* create_array(const redisReadTask* task, int elements) {
    Reply* r = slot_for(task);
    *r = Reply::make_array(std::vector<Reply>(elements > 0 ? static_cast<std::size_t>(elements) : 0));
    return r;
  }
  static void* create_integer(const redisReadTask* task, long long value) {
    Reply* r = slot_for(task);
    *r = Reply::make_integer(value);
    return r;
  }
  static void* create_nil(const redisReadTask* task) { return slot_for(task); }
  // hiredis frees only top-level objects through this (on errors and in redisReaderFree).
  static void free_object(void* obj) { delete static_cast<Reply*>(obj); }
};

namespace {
redisReplyObjectFunctions reply_functions = {
    ReplyBuilder::create_string, ReplyBuilder::create_array, ReplyBuilder::create_integer,
    ReplyBuilder::create_nil, ReplyBuilder::free_object,
};
}  // namespace

ReplyParser::ReplyParser() { reset(); }

ReplyParser::~ReplyParser() {
  if (reader_) redisReaderFree(reader_);
}

void ReplyParser::reset() {
  if (reader_) redisReaderFree(reader_);
  reader_ = redisReaderCreateWithFunctions(&reply_functions);
  if (!reader_) throw std::bad_alloc();
  // Keep the reader's buffer between reads instead of freeing it whenever it empties.
  reader_->maxbuf = 0;
}

void ReplyParser::feed(const char* data, std::size_t size) {
  if (redisReaderFeed(reader_, data, size) != REDIS_OK) {
    throw infra::ProtocolError("redis", std::string("could not buffer reply bytes: ") + reader_->errstr);
  }
}

std::optional<Reply> ReplyParser::next() {
  void* obj = nullptr;
  if (redisReaderGetReply(reader_, &obj) != REDIS_OK) {
    throw infra::ProtocolError("redis", std::string("the server sent bytes that are not RESP: ") + reader_->errstr,
                        "is REDIS_URL pointing at a Redis server?");
  }
  if (!obj) return std::nullopt;
  std::unique_ptr<Reply> owned(static_cast<Reply*>(obj));
  return std::move(*owned);
}

}  // namespace vibework::redis
