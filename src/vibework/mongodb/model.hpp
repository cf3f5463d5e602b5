#pragma once
// Model: typed CRUD over one collection, the C++ counterpart of a Mongoose/Typegoose model.
//
//   VIBEWORK_MONGODB_DOCUMENT(NotificationDocument,     // declare_document.hpp
//       (mongodb::ObjectId, id), (std::string, user_id), (bool, read), ...)
//
//   struct Notification : mongodb::Model<Notification, NotificationDocument> {
//     using Model::Model;
//     static constexpr std::string_view collection_name = "notifications";
//     static constexpr bool timestamps = true;          // createdAt / updatedAt kept up to date
//     static std::vector<mongodb::IndexSpec> indexes();
//   };                                                 // Notification::user_id, ::read ... inherited
//
//   Notification notifications(db);                      // bound to a Database, no global connection
//   auto created = co_await notifications.create(doc);   // returns the stored doc with its _id
//   auto unread  = co_await notifications.find(Notification::user_id == "u1" && Notification::read == false);
//   auto updated = co_await notifications.find_by_id_and_update(id, set(Notification::read, true), {.return_new = true});
//
// Ids given as strings are parsed first: a malformed id is an InvalidArgumentError before any
// I/O. Documents read back are decoded into the struct; a mismatch is a DocumentDecodeError.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "vibework/mongodb/codec.hpp"
#include "vibework/mongodb/collection.hpp"
#include "vibework/mongodb/database.hpp"
#include "vibework/mongodb/object_id.hpp"
#include "vibework/mongodb/query.hpp"

namespace vibework::mongodb {

struct UpdateOptions {
  bool return_new = false;  // Mongoose's {new: true}: return the document after the update
  bool upsert = false;
};

namespace detail {
// Sets every TimePoint member whose wire name is `wire` (createdAt / updatedAt).
template <DescribedStruct T>
void set_time_member(T& doc, std::string_view wire, TimePoint now) {
  const auto& names = wire_names<T>();
  std::size_t index = 0;
  boost::mp11::mp_for_each<infra::describe::public_members<T>>([&](auto member) {
    using F = std::remove_cvref_t<decltype(doc.*member.pointer)>;
    if constexpr (std::is_same_v<F, TimePoint> || std::is_same_v<F, std::optional<TimePoint>>) {
      if (names[index] == wire) doc.*member.pointer = now;
    }
    ++index;
  });
}
// BSON dates hold milliseconds: stamp with what the server will store, so create() returns
// exactly what a later find() reads.
inline TimePoint now_millis() {
  return std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
}

// The typed fields VIBEWORK_MONGODB_DOCUMENT generated for Doc, or none for a document
// described by hand.
struct NoFields {};
template <typename Doc>
auto fields_of(int) -> decltype(vibework_mongodb_fields(static_cast<const Doc*>(nullptr)));
template <typename Doc>
NoFields fields_of(...);
template <typename Doc>
using FieldsOf = decltype(fields_of<Doc>(0));
}  // namespace detail

// Derived gets the document's fields as static members (Notification::user_id).
template <typename Derived, DescribedStruct Doc>
class Model : public detail::FieldsOf<Doc> {
 public:
  using DocumentType = Doc;

  explicit Model(Database& db) : collection_(db.collection(std::string(Derived::collection_name))) {}

  // Inserts `doc` (a null id gets a fresh ObjectId; timestamps are set) and returns it as stored.
  awaitable<Doc> create(Doc doc) {
    if constexpr (requires { doc.id; }) {
      if (doc.id.is_null()) doc.id = ObjectId::generate();
    }
    if constexpr (has_timestamps()) {
      const auto now = detail::now_millis();
      detail::set_time_member(doc, "createdAt", now);
      detail::set_time_member(doc, "updatedAt", now);
    }
    co_await collection_.insert_one(encode(doc));
    co_return doc;
  }

  awaitable<std::vector<Doc>> find(Filter filter = {}, FindOptions options = {}) {
    options.projection.reset();
    co_return decode_all<Doc>(co_await collection_.find(filter.bson(), std::move(options)));
  }

  // Only View's fields are fetched (a projection built from View's members).
  template <DescribedStruct View>
  awaitable<std::vector<View>> find_as(Filter filter = {}, FindOptions options = {}) {
    options.projection = projection_of<View>();
    co_return decode_all<View>(co_await collection_.find(filter.bson(), std::move(options)));
  }

  // Raw documents, with options.projection honoured.
  awaitable<std::vector<Document>> find_raw(Filter filter = {}, FindOptions options = {}) {
    return collection_.find(filter.bson(), std::move(options));
  }

  awaitable<std::optional<Doc>> find_one(Filter filter = {}, FindOptions options = {}) {
    options.projection.reset();
    co_return decode_one(co_await collection_.find_one(filter.bson(), std::move(options)));
  }

  awaitable<std::optional<Doc>> find_by_id(ObjectId id) { return find_one(id_filter(id)); }
  awaitable<std::optional<Doc>> find_by_id(std::string_view id) { return find_by_id(ObjectId::from_string(id)); }

  // Applies `update` to the document with this id; nullopt when there is none. With
  // {.return_new = true} the result is the document after the update.
  awaitable<std::optional<Doc>> find_by_id_and_update(ObjectId id, Update update, UpdateOptions options = {}) {
    return find_one_and_update(id_filter(id), std::move(update), options);
  }
  awaitable<std::optional<Doc>> find_by_id_and_update(std::string_view id, Update update, UpdateOptions options = {}) {
    return find_by_id_and_update(ObjectId::from_string(id), std::move(update), options);
  }

  awaitable<std::optional<Doc>> find_one_and_update(Filter filter, Update update, UpdateOptions options = {}) {
    stamp(update);
    co_return decode_one(co_await collection_.find_one_and_update(filter.bson(), update.to_bson(), options.return_new,
                                                                  options.upsert));
  }

  // Deletes the document with this id and returns it; nullopt when there was none.
  awaitable<std::optional<Doc>> find_by_id_and_delete(ObjectId id) { return find_one_and_delete(id_filter(id)); }
  awaitable<std::optional<Doc>> find_by_id_and_delete(std::string_view id) {
    return find_by_id_and_delete(ObjectId::from_string(id));
  }
  // Deletes the first document matching `filter` and returns it; nullopt when none matched.
  awaitable<std::optional<Doc>> find_one_and_delete(Filter filter) {
    co_return decode_one(co_await collection_.find_one_and_delete(filter.bson()));
  }

  awaitable<UpdateResult> update_many(Filter filter, Update update) {
    stamp(update);
    return collection_.update_many(filter.bson(), update.to_bson());
  }
  awaitable<std::int64_t> delete_many(Filter filter) { return collection_.delete_many(filter.bson()); }
  awaitable<std::int64_t> count(Filter filter = {}) { return collection_.count(filter.bson()); }

  Collection& collection() noexcept { return collection_; }

 private:
  static constexpr bool has_timestamps() {
    if constexpr (requires { Derived::timestamps; }) return Derived::timestamps;
    return false;
  }
  static Filter id_filter(const ObjectId& id) { return Filter::equals("_id", id); }

  void stamp(Update& update) const {
    if constexpr (has_timestamps()) update.touch("updatedAt", detail::now_millis());
  }

  template <typename T>
  std::vector<T> decode_all(const std::vector<Document>& docs) const {
    std::vector<T> out;
    out.reserve(docs.size());
    for (const auto& d : docs) out.push_back(decode<T>(d.get(), collection_.name()));
    return out;
  }
  std::optional<Doc> decode_one(const std::optional<Document>& d) const {
    if (!d) return std::nullopt;
    return decode<Doc>(d->get(), collection_.name());
  }

  Collection collection_;
};

}  // namespace vibework::mongodb
