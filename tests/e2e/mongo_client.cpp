#include "mongo_client.hpp"

#include <algorithm>
#include <mutex>
#include <stdexcept>

#include <mongoc/mongoc.h>

namespace vibework::e2e {

struct MongoClient::Impl {
  mongoc_client_t* client = nullptr;
  std::string database;
};

namespace {
bson_t* parse(const std::string& json) {
  bson_error_t error;
  bson_t* doc = bson_new_from_json(reinterpret_cast<const uint8_t*>(json.data()), static_cast<ssize_t>(json.size()), &error);
  if (doc == nullptr) throw std::runtime_error("not Extended JSON: " + std::string(error.message) + ": " + json);
  return doc;
}
}  // namespace

MongoClient::MongoClient(const std::string& uri) : impl_(new Impl) {
  static std::once_flag init;
  std::call_once(init, [] {
    mongoc_init();  // never cleaned up: other clients may live on
    mongoc_log_set_handler(nullptr, nullptr);  // FerretDB refuses endSessions; the driver would warn each time
  });
  bson_error_t error;
  mongoc_uri_t* parsed = mongoc_uri_new_with_error(uri.c_str(), &error);
  if (parsed == nullptr) {
    delete impl_;
    throw std::runtime_error("bad MongoDB URI: " + std::string(error.message));
  }
  const char* db = mongoc_uri_get_database(parsed);
  impl_->database = db == nullptr ? "test" : db;
  impl_->client = mongoc_client_new_from_uri(parsed);
  mongoc_uri_destroy(parsed);
}

MongoClient::~MongoClient() {
  mongoc_client_destroy(impl_->client);
  delete impl_;
}

void MongoClient::insert(const std::string& collection, const std::string& extended_json) {
  bson_t* doc = parse(extended_json);
  mongoc_collection_t* c = mongoc_client_get_collection(impl_->client, impl_->database.c_str(), collection.c_str());
  bson_error_t error;
  const bool ok = mongoc_collection_insert_one(c, doc, nullptr, nullptr, &error);
  mongoc_collection_destroy(c);
  bson_destroy(doc);
  if (!ok) throw std::runtime_error("insert failed: " + std::string(error.message));
}

std::optional<std::string> MongoClient::find_one(const std::string& collection, const std::string& filter_json) {
  bson_t* filter = parse(filter_json);
  mongoc_collection_t* c = mongoc_client_get_collection(impl_->client, impl_->database.c_str(), collection.c_str());
  mongoc_cursor_t* cursor = mongoc_collection_find_with_opts(c, filter, nullptr, nullptr);
  const bson_t* doc = nullptr;
  std::optional<std::string> out;
  if (mongoc_cursor_next(cursor, &doc)) {
    char* json = bson_as_relaxed_extended_json(doc, nullptr);
    out = json;
    bson_free(json);
  }
  bson_error_t error;
  const bool failed = mongoc_cursor_error(cursor, &error);
  mongoc_cursor_destroy(cursor);
  mongoc_collection_destroy(c);
  bson_destroy(filter);
  if (failed) throw std::runtime_error("find failed: " + std::string(error.message));
  return out;
}

void MongoClient::drop_database() {
  mongoc_database_t* db = mongoc_client_get_database(impl_->client, impl_->database.c_str());
  bson_error_t error;
  const bool ok = mongoc_database_drop_with_opts(db, nullptr, &error);
  mongoc_database_destroy(db);
  if (!ok && error.code != 26) throw std::runtime_error("dropDatabase failed: " + std::string(error.message));
}

std::string with_database(const std::string& uri, const std::string& database) {
  const auto scheme = uri.find("://");
  const auto hosts_start = scheme == std::string::npos ? 0 : scheme + 3;
  const auto query = uri.find('?', hosts_start);
  const auto slash = uri.find('/', hosts_start);
  const auto hosts_end = std::min(slash, query);
  std::string out = uri.substr(0, hosts_end) + "/" + database;
  if (query != std::string::npos) out += uri.substr(query);
  return out;
}

}  // namespace vibework::e2e
