#pragma once
// Collection: the untyped operations of one collection, on Documents. The typed Model is built
// on it; it is also the raw BSON escape hatch. Every call runs on the BlockingPool through
// Database::run and sends maxTimeMS (MONGODB_OPERATION_TIMEOUT_MS) where the command takes it.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "vibework/infra/asio.hpp"
#include "vibework/mongodb/document.hpp"
#include "vibework/mongodb/find_options.hpp"

namespace vibework::mongodb {

class Database;

struct UpdateResult {
  std::int64_t matched = 0;
  std::int64_t modified = 0;
};

class Collection {
 public:
  Collection(Database& db, std::string name) : db_(&db), name_(std::move(name)) {}
  const std::string& name() const noexcept { return name_; }

  awaitable<void> insert_one(Document doc);
  awaitable<std::vector<Document>> find(Document filter, FindOptions options = {});
  awaitable<std::optional<Document>> find_one(Document filter, FindOptions options = {});
  // findAndModify. `return_new`: the document after the update instead of before.
  awaitable<std::optional<Document>> find_one_and_update(Document filter, Document update, bool return_new,
                                                         bool upsert = false);
  awaitable<std::optional<Document>> find_one_and_delete(Document filter);
  awaitable<UpdateResult> update_many(Document filter, Document update);
  awaitable<std::int64_t> delete_many(Document filter);
  awaitable<std::int64_t> count(Document filter);
  // listIndexes: one document per index ({name, key, unique?, expireAfterSeconds?, ...}).
  awaitable<std::vector<Document>> list_indexes();
  awaitable<void> create_indexes(std::vector<Document> index_specs);
  awaitable<void> drop();

 private:
  Database* db_;
  std::string name_;
};

}  // namespace vibework::mongodb
