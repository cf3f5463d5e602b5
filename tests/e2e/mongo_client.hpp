#pragma once
// A tiny MongoDB client for black-box tests (there is no mongosh here): insert and read back
// documents as Extended JSON through mongo-c-driver, the way the mariadb CLI serves the MySQL
// suites. Blocking; throws std::runtime_error with the driver's message.
#include <optional>
#include <string>

namespace vibework::e2e {

class MongoClient {
 public:
  explicit MongoClient(const std::string& uri);  // the database comes from the URI's path
  ~MongoClient();
  MongoClient(const MongoClient&) = delete;
  MongoClient& operator=(const MongoClient&) = delete;

  void insert(const std::string& collection, const std::string& extended_json);
  // The first document matching the filter, as relaxed Extended JSON.
  std::optional<std::string> find_one(const std::string& collection, const std::string& filter_json);
  void drop_database();

 private:
  struct Impl;
  Impl* impl_;
};

// `uri` with its path (the database) replaced by `database`; options are kept.
std::string with_database(const std::string& uri, const std::string& database);

}  // namespace vibework::e2e
