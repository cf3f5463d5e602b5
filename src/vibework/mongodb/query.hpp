#pragma once
// Typed filters, updates and sort keys, built from a model's fields:
//
//   Notification::user_id == "u1" && Notification::read == false
//   Notification::type.in({NotificationType::warning, NotificationType::success})
//   set(Notification::read, true).set(Notification::title, "Seen")
//   FindOptions{.sort = {Notification::created_at.desc()}, .limit = 20}
//
// A Field names one member of a described struct (`Field<&NotificationDocument::user_id>`),
// knows its wire name (userId) and only accepts values of the member's type. Raw BSON is always
// available: Filter::raw(Document::from_json(R"({"read": {"$ne": true}})")).
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "vibework/mongodb/codec.hpp"
#include "vibework/mongodb/document.hpp"
#include "vibework/mongodb/find_options.hpp"

namespace vibework::mongodb {

class Filter {
 public:
  Filter() = default;  // matches every document
  static Filter raw(Document filter) { return Filter(std::move(filter)); }
  static Filter json(std::string_view extended_json) { return Filter(Document::from_json(extended_json)); }

  // {<name>: {<op>: value}}
  template <typename T>
  static Filter compare(const std::string& name, std::string_view op, const T& value) {
    Document doc;
    detail::ChildWriter inner(doc.get(), name, detail::ChildWriter::Kind::document);
    append(inner.get(), op, value);
    inner.end();
    return Filter(std::move(doc));
  }

  // {<name>: value}: the plain equality form, which servers (FerretDB included) push down to
  // their storage and indexes most reliably. Only for scalar values: a document value would be
  // read as operators, so those go through compare(name, "$eq", value).
  template <typename T>
  static Filter equals(const std::string& name, const T& value) {
    Document doc;
    append(doc.get(), name, value);
    return Filter(std::move(doc));
  }

  const Document& bson() const noexcept { return doc_; }
  bool matches_all() const noexcept { return doc_.empty(); }

  friend Filter operator&&(Filter a, Filter b);  // $and (flattened)
  friend Filter operator||(Filter a, Filter b);  // $or (flattened)
  friend Filter operator!(Filter a);             // $nor

 private:
  explicit Filter(Document doc) : doc_(std::move(doc)) {}
  Document doc_;
};

template <auto Member>
class Field {
 public:
  using Owner = typename infra::describe::member_traits<decltype(Member)>::owner;
  using Value = typename infra::describe::member_traits<decltype(Member)>::value;
  using Compare = infra::describe::unwrap_optional_t<Value>;  // what a comparison takes
  static constexpr std::size_t index = infra::describe::member_index<Owner, Member>();
  static_assert(index != infra::describe::no_member, "this member is not listed in the struct's BOOST_DESCRIBE_STRUCT");

  // The wire name ("userId"), from the struct's description.
  static const std::string& name() { return wire_names<Owner>()[index]; }

  friend Filter operator==(Field, const Compare& v) {
    if constexpr (std::is_same_v<Compare, boost::json::value> || std::is_same_v<Compare, Document> ||
                  DescribedStruct<Compare> || is_vector<Compare>::value) {
      return Filter::compare(name(), "$eq", v);
    } else {
      return Filter::equals(name(), v);
    }
  }
  friend Filter operator!=(Field, const Compare& v) { return Filter::compare(name(), "$ne", v); }
  friend Filter operator<(Field, const Compare& v) { return Filter::compare(name(), "$lt", v); }
  friend Filter operator<=(Field, const Compare& v) { return Filter::compare(name(), "$lte", v); }
  friend Filter operator>(Field, const Compare& v) { return Filter::compare(name(), "$gt", v); }
  friend Filter operator>=(Field, const Compare& v) { return Filter::compare(name(), "$gte", v); }

  // in(a, b, c) or in(vector); variadic, not an initializer list, for GCC 12 (see README).
  Filter in(const std::vector<Compare>& values) const { return Filter::compare(name(), "$in", values); }
  template <typename... V>
    requires(sizeof...(V) > 0 && (std::is_convertible_v<V, Compare> && ...))
  Filter in(const V&... values) const {
    return in(std::vector<Compare>{Compare(values)...});
  }
  Filter not_in(const std::vector<Compare>& values) const { return Filter::compare(name(), "$nin", values); }
  template <typename... V>
    requires(sizeof...(V) > 0 && (std::is_convertible_v<V, Compare> && ...))
  Filter not_in(const V&... values) const {
    return not_in(std::vector<Compare>{Compare(values)...});
  }
  Filter exists(bool present = true) const { return Filter::compare(name(), "$exists", present); }

  SortKey asc() const { return {name(), 1}; }
  SortKey desc() const { return {name(), -1}; }
};

// An update: $set / $unset / $inc built from typed fields, or a raw update document.
class Update {
 public:
  Update() = default;
  // A full update document with operators, e.g. {"$push": {"tags": "x"}}. Timestamps are not
  // added to raw updates.
  static Update raw(Document update);

  template <auto M>
  Update& set(Field<M> field, const typename Field<M>::Value& value) {
    using V = typename Field<M>::Value;
    if constexpr (infra::describe::is_optional_v<V>) {
      if (!value.has_value()) return unset(field);
      append(set_.get(), field.name(), *value);
    } else {
      append(set_.get(), field.name(), value);
    }
    return *this;
  }
  template <auto M>
  Update& unset(Field<M> field) {
    detail::put_utf8(unset_.get(), field.name(), "");
    return *this;
  }
  template <auto M>
  Update& inc(Field<M> field, const typename Field<M>::Compare& by) {
    static_assert(std::is_arithmetic_v<typename Field<M>::Compare>, "inc() needs a numeric field");
    append(inc_.get(), field.name(), by);
    return *this;
  }

  // Sets `name` to `now` unless this update already sets it (or is raw). Used for updatedAt.
  void touch(const std::string& name, TimePoint now);
  bool empty() const noexcept;
  Document to_bson() const;

 private:
  Document set_;
  Document unset_;
  Document inc_;
  std::optional<Document> raw_;
};

template <auto M>
Update set(Field<M> field, const typename Field<M>::Value& value) {
  Update u;
  u.set(field, value);
  return u;
}
template <auto M>
Update unset(Field<M> field) {
  Update u;
  u.unset(field);
  return u;
}
template <auto M>
Update inc(Field<M> field, const typename Field<M>::Compare& by) {
  Update u;
  u.inc(field, by);
  return u;
}

// {name: 1, ...} for every member of View: what find_as<View> asks the server for.
template <DescribedStruct View>
Document projection_of() {
  Document doc;
  for (const auto& name : wire_names<View>()) detail::put_int32(doc.get(), name, 1);
  return doc;
}

}  // namespace vibework::mongodb
