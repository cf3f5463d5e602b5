#include "vibework/mongodb/collection.hpp"

#include <mongoc/mongoc.h>

#include "vibework/mongodb/database.hpp"
#include "vibework/mongodb/detail/driver_error.hpp"

namespace vibework::mongodb {

namespace {

// A collection handle for one call (cheap: no I/O).
class Handle {
 public:
  Handle(mongoc_client_t* client, const Database& db, const std::string& name)
      : c_(mongoc_client_get_collection(client, db.database_name().c_str(), name.c_str())) {}
  ~Handle() { mongoc_collection_destroy(c_); }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  mongoc_collection_t* get() const noexcept { return c_; }

 private:
  mongoc_collection_t* c_;
};

// A reply document the driver fills (always initialised, so always safe to destroy).
struct Reply {
  bson_t doc;
  Reply() { bson_init(&doc); }
  ~Reply() { bson_destroy(&doc); }
  Reply(const Reply&) = delete;
  Reply& operator=(const Reply&) = delete;
  std::int64_t int_field(const char* key) const {
    bson_iter_t it;
    if (bson_iter_init_find(&it, &doc, key) && BSON_ITER_HOLDS_NUMBER(&it)) return bson_iter_as_int64(&it);
    return 0;
  }
};

void append_max_time(bson_t* opts, const Database& db) {
  bson_append_int64(opts, "maxTimeMS", -1, db.config().operation_timeout.count());
}

std::string describe(std::string_view verb, const std::string& collection) {
  return std::string(verb) + " on collection '" + collection + "'";
}

std::vector<Document> drain(mongoc_cursor_t* cursor, const std::string& what, const Database& db) {
  std::vector<Document> out;
  const bson_t* doc = nullptr;
  while (mongoc_cursor_next(cursor, &doc)) out.push_back(Document::copy_of(doc));
  bson_error_t error;
  const bool failed = mongoc_cursor_error(cursor, &error);
  mongoc_cursor_destroy(cursor);
  if (failed) throw_driver_error(error, what, db.address());
  return out;
}

Document find_options(const FindOptions& options, const Database& db) {
  Document opts;
  if (!options.sort.empty()) {
    Document sort = sort_document(options.sort);
    bson_append_document(opts.get(), "sort", -1, sort.get());
  }
  if (options.limit > 0) bson_append_int64(opts.get(), "limit", -1, options.limit);
  if (options.skip > 0) bson_append_int64(opts.get(), "skip", -1, options.skip);
  if (options.projection) bson_append_document(opts.get(), "projection", -1, options.projection->get());
  append_max_time(opts.get(), db);
  return opts;
}

// findAndModify's reply holds the document under "value" (null when nothing matched).
std::optional<Document> value_of(const Reply& reply) {
  bson_iter_t it;
  if (!bson_iter_init_find(&it, &reply.doc, "value") || !BSON_ITER_HOLDS_DOCUMENT(&it)) return std::nullopt;
  std::uint32_t length = 0;
  const std::uint8_t* data = nullptr;
  bson_iter_document(&it, &length, &data);
  return Document::copy_of(data, length);
}

}  // namespace

awaitable<void> Collection::insert_one(Document doc) {
  const Database* db = db_;
  std::string what = describe("insert", name_);
  auto job = [db, name = name_, doc = std::move(doc), what](mongoc_client_t* client) {
    Handle coll(client, *db, name);
    bson_error_t error;
    if (!mongoc_collection_insert_one(coll.get(), doc.get(), nullptr, nullptr, &error)) {
      throw_driver_error(error, what, db->address());
    }
  };
  co_await db_->run(what, std::move(job));
}

awaitable<std::vector<Document>> Collection::find(Document filter, FindOptions options) {
  const Database* db = db_;
  std::string what = describe("find", name_);
  auto job = [db, name = name_, filter = std::move(filter), opts = find_options(options, *db_), what](mongoc_client_t* client) {
        Handle coll(client, *db, name);
        return drain(mongoc_collection_find_with_opts(coll.get(), filter.get(), opts.get(), nullptr), what, *db);
      };
  co_return co_await db_->run(what, std::move(job));
}

awaitable<std::optional<Document>> Collection::find_one(Document filter, FindOptions options) {
  const Database* db = db_;
  std::string what = describe("find", name_);
  options.limit = 1;
  Document opts = find_options(options, *db_);
  // One batch, no cursor left open on the server (no getMore / killCursors round trip).
  bson_append_bool(opts.get(), "singleBatch", -1, true);
  auto job = [db, name = name_, filter = std::move(filter), opts = std::move(opts), what](mongoc_client_t* client) {
    Handle coll(client, *db, name);
    std::optional<Document> out;
    mongoc_cursor_t* cursor = mongoc_collection_find_with_opts(coll.get(), filter.get(), opts.get(), nullptr);
    const bson_t* doc = nullptr;
    if (mongoc_cursor_next(cursor, &doc)) out = Document::copy_of(doc);
    bson_error_t error;
    const bool failed = mongoc_cursor_error(cursor, &error);
    mongoc_cursor_destroy(cursor);
    if (failed) throw_driver_error(error, what, db->address());
    return out;
  };
  co_return co_await db_->run(what, std::move(job));
}

namespace {
std::optional<Document> find_and_modify(mongoc_client_t* client, const Database& db, const std::string& name,
                                        const Document& filter, const Document* update, bool return_new,
                                        bool upsert, const std::string& what) {
  Handle coll(client, db, name);
  mongoc_find_and_modify_opts_t* opts = mongoc_find_and_modify_opts_new();
  int flags = MONGOC_FIND_AND_MODIFY_NONE;
  if (update == nullptr) flags |= MONGOC_FIND_AND_MODIFY_REMOVE;
  if (return_new) flags |= MONGOC_FIND_AND_MODIFY_RETURN_NEW;
  if (upsert) flags |= MONGOC_FIND_AND_MODIFY_UPSERT;
  mongoc_find_and_modify_opts_set_flags(opts, static_cast<mongoc_find_and_modify_flags_t>(flags));
  if (update != nullptr) mongoc_find_and_modify_opts_set_update(opts, update->get());
  mongoc_find_and_modify_opts_set_max_time_ms(opts, static_cast<uint32_t>(db.config().operation_timeout.count()));
  Reply reply;
  bson_error_t error;
  const bool ok = mongoc_collection_find_and_modify_with_opts(coll.get(), filter.get(), opts, &reply.doc, &error);
  mongoc_find_and_modify_opts_destroy(opts);
  if (!ok) throw_driver_error(error, what, db.address());
  return value_of(reply);
}
}  // namespace

awaitable<std::optional<Document>> Collection::find_one_and_update(Document filter, Document update, bool return_new,
                                                                   bool upsert) {
  const Database* db = db_;
  std::string what = describe("findAndModify (update)", name_);
  auto job = [db, name = name_, filter = std::move(filter), update = std::move(update),
                                     return_new, upsert, what](mongoc_client_t* client) {
    return find_and_modify(client, *db, name, filter, &update, return_new, upsert, what);
  };
  co_return co_await db_->run_update(what, std::move(job));
}

awaitable<std::optional<Document>> Collection::find_one_and_delete(Document filter) {
  const Database* db = db_;
  std::string what = describe("findAndModify (remove)", name_);
  auto job = [db, name = name_, filter = std::move(filter), what](mongoc_client_t* client) {
    return find_and_modify(client, *db, name, filter, nullptr, false, false, what);
  };
  co_return co_await db_->run(what, std::move(job));
}

awaitable<UpdateResult> Collection::update_many(Document filter, Document update) {
  const Database* db = db_;
  std::string what = describe("update", name_);
  auto job = [db, name = name_, filter = std::move(filter), update = std::move(update), what](mongoc_client_t* client) {
        Handle coll(client, *db, name);
        Reply reply;
        bson_error_t error;
        if (!mongoc_collection_update_many(coll.get(), filter.get(), update.get(), nullptr, &reply.doc, &error)) {
          throw_driver_error(error, what, db->address());
        }
        return UpdateResult{reply.int_field("matchedCount"), reply.int_field("modifiedCount")};
      };
  co_return co_await db_->run_update(what, std::move(job));
}

awaitable<std::int64_t> Collection::delete_many(Document filter) {
  const Database* db = db_;
  std::string what = describe("delete", name_);
  auto job = [db, name = name_, filter = std::move(filter), what](mongoc_client_t* client) {
    Handle coll(client, *db, name);
    Reply reply;
    bson_error_t error;
    if (!mongoc_collection_delete_many(coll.get(), filter.get(), nullptr, &reply.doc, &error)) {
      throw_driver_error(error, what, db->address());
    }
    return reply.int_field("deletedCount");
  };
  co_return co_await db_->run(what, std::move(job));
}

awaitable<std::int64_t> Collection::count(Document filter) {
  const Database* db = db_;
  std::string what = describe("count", name_);
  auto job = [db, name = name_, filter = std::move(filter), what](mongoc_client_t* client) {
    Handle coll(client, *db, name);
    Document opts;
    append_max_time(opts.get(), *db);
    bson_error_t error;
    const std::int64_t n = mongoc_collection_count_documents(coll.get(), filter.get(), opts.get(), nullptr, nullptr, &error);
    if (n < 0) throw_driver_error(error, what, db->address());
    return n;
  };
  co_return co_await db_->run(what, std::move(job));
}

awaitable<std::vector<Document>> Collection::list_indexes() {
  const Database* db = db_;
  std::string what = describe("listIndexes", name_);
  auto job = [db, name = name_, what](mongoc_client_t* client) {
    Handle coll(client, *db, name);
    return drain(mongoc_collection_find_indexes_with_opts(coll.get(), nullptr), what, *db);
  };
  co_return co_await db_->run(what, std::move(job));
}

awaitable<void> Collection::create_indexes(std::vector<Document> index_specs) {
  const Database* db = db_;
  std::string what = describe("createIndexes", name_);
  auto job = [db, name = name_, specs = std::move(index_specs), what](mongoc_client_t* client) {
    Document command;
    bson_append_utf8(command.get(), "createIndexes", -1, name.c_str(), -1);
    bson_t array;
    bson_append_array_begin(command.get(), "indexes", -1, &array);
    char buffer[16];
    for (std::uint32_t i = 0; i < specs.size(); ++i) {
      const char* key = nullptr;
      bson_uint32_to_string(i, &key, buffer, sizeof buffer);
      bson_append_document(&array, key, -1, specs[i].get());
    }
    bson_append_array_end(command.get(), &array);
    Reply reply;
    bson_error_t error;
    if (!mongoc_client_write_command_with_opts(client, db->database_name().c_str(), command.get(), nullptr,
                                               &reply.doc, &error)) {
      throw_driver_error(error, what, db->address());
    }
  };
  co_await db_->run(what, std::move(job));
}

awaitable<void> Collection::drop() {
  const Database* db = db_;
  std::string what = describe("drop", name_);
  auto job = [db, name = name_, what](mongoc_client_t* client) {
    Handle coll(client, *db, name);
    bson_error_t error;
    // Dropping a collection that does not exist is fine ("ns not found", code 26).
    if (!mongoc_collection_drop_with_opts(coll.get(), nullptr, &error) && error.code != 26) {
      throw_driver_error(error, what, db->address());
    }
  };
  co_await db_->run(what, std::move(job));
}

}  // namespace vibework::mongodb
