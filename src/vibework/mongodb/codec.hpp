#pragma once
// The BSON mapping of a C++ struct, driven by its BOOST_DESCRIBE_STRUCT declaration.
//
//   struct Note { ObjectId id; std::string user_id; bool read = false; TimePoint created_at; };
//   BOOST_DESCRIBE_STRUCT(Note, (), (id, user_id, read, created_at))
//   Document d = encode(note);                  // {_id: ObjectId, userId: .., read: .., createdAt: Date}
//   Note n = decode<Note>(d.get(), "notes");    // throws DocumentDecodeError naming the field
//
// Wire names: a member `id` is `_id`; every other snake_case member name is sent camelCase
// (user_id -> userId), the names Mongoose documents use (infra::describe::to_camel_case, which
// keeps leading underscores: a member `_v` stays `_v`).
//
// Member types: std::string, bool, integers (int32 up to 4 bytes, else int64), float/double,
// ObjectId, TimePoint (BSON date, millisecond precision), described enums (their enumerator
// name as a string), std::optional<T> (an absent field; null is read as absent too),
// std::vector<T> (array), nested described structs (embedded document), boost::json::value
// (any BSON value, for free-form fields) and Document (a raw embedded document).
#include <chrono>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <boost/describe/enum_from_string.hpp>
#include <boost/describe/enum_to_string.hpp>
#include <boost/describe/enumerators.hpp>
#include <boost/describe/members.hpp>
#include <boost/json/value.hpp>
#include <boost/mp11/algorithm.hpp>

#include "vibework/infra/describe/traits.hpp"
#include "vibework/infra/errors.hpp"
#include "vibework/mongodb/detail/bson_io.hpp"
#include "vibework/mongodb/document.hpp"
#include "vibework/mongodb/object_id.hpp"

namespace vibework::mongodb {

using TimePoint = std::chrono::system_clock::time_point;

// A struct declared with BOOST_DESCRIBE_STRUCT.
template <typename T>
concept DescribedStruct = std::is_class_v<T> && boost::describe::has_describe_members<T>::value;
template <typename T>
concept DescribedEnum = std::is_enum_v<T> && boost::describe::has_describe_enumerators<T>::value;

template <typename T> struct is_vector : std::false_type {};
template <typename T, typename A> struct is_vector<std::vector<T, A>> : std::true_type {};

// "id" -> "_id", "user_id" -> "userId", "read" -> "read".
std::string wire_name(std::string_view member_name);

// The wire names of T's public members, in declaration order.
template <DescribedStruct T>
const std::vector<std::string>& wire_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    boost::mp11::mp_for_each<infra::describe::public_members<T>>(
        [&](auto member) { out.push_back(wire_name(member.name)); });
    return out;
  }();
  return names;
}

// A document that does not match the struct it is decoded into: names the collection, the
// document's _id and the field (a dotted path for nested fields).
class DocumentDecodeError : public infra::ProtocolError {
 public:
  DocumentDecodeError(std::string collection, std::string id, std::string field, std::string problem);
  const std::string& collection() const noexcept { return collection_; }
  const std::string& id() const noexcept { return id_; }
  const std::string& field() const noexcept { return field_; }

 private:
  std::string collection_;
  std::string id_;
  std::string field_;
};

namespace detail {

// Where the decoder is, for error messages.
struct DecodeContext {
  std::string_view collection;
  std::string id;
  std::string path;
  [[noreturn]] void fail(const std::string& problem) const;
  [[noreturn]] void wrong_type(const BsonIter& it, std::string_view expected) const;
};

// Pushes "<key>" onto the path for the lifetime of the guard.
class PathGuard {
 public:
  PathGuard(DecodeContext& ctx, std::string_view key) : ctx_(ctx), saved_(ctx.path.size()) {
    if (!ctx.path.empty()) ctx.path += '.';
    ctx.path += key;
  }
  ~PathGuard() { ctx_.path.resize(saved_); }
  PathGuard(const PathGuard&) = delete;
  PathGuard& operator=(const PathGuard&) = delete;

 private:
  DecodeContext& ctx_;
  std::size_t saved_;
};

std::string describe_id(const bson_t* doc);
void append_json(bson_t* out, std::string_view key, const boost::json::value& value);
boost::json::value read_json(const BsonIter& it, DecodeContext& ctx);
[[noreturn]] void throw_out_of_range(std::string_view key, std::string_view type);
std::int64_t read_integer(const BsonIter& it, DecodeContext& ctx);
double read_double(const BsonIter& it, DecodeContext& ctx);

template <typename T>
void append_value(bson_t* out, std::string_view key, const T& value);

template <DescribedStruct T>
void append_members(bson_t* out, const T& value) {
  const auto& names = wire_names<T>();
  std::size_t index = 0;
  boost::mp11::mp_for_each<infra::describe::public_members<T>>([&](auto member) {
    const std::string& name = names[index++];
    const auto& field = value.*member.pointer;
    using F = std::remove_cvref_t<decltype(field)>;
    if constexpr (infra::describe::is_optional_v<F>) {
      if (field.has_value()) append_value(out, name, *field);  // absent when empty
    } else {
      append_value(out, name, field);
    }
  });
}

template <typename T>
void append_value(bson_t* out, std::string_view key, const T& value) {
  if constexpr (std::is_same_v<T, std::string> || std::is_same_v<T, std::string_view>) {
    put_utf8(out, key, value);
  } else if constexpr (std::is_same_v<T, const char*> || std::is_same_v<std::decay_t<T>, char*>) {
    put_utf8(out, key, std::string_view(value));
  } else if constexpr (std::is_same_v<T, bool>) {
    put_bool(out, key, value);
  } else if constexpr (std::is_integral_v<T>) {
    if constexpr (std::is_signed_v<T> && sizeof(T) <= 4) {
      put_int32(out, key, static_cast<std::int32_t>(value));
    } else if constexpr (std::is_unsigned_v<T> && sizeof(T) < 4) {
      put_int32(out, key, static_cast<std::int32_t>(value));
    } else if constexpr (std::is_unsigned_v<T> && sizeof(T) >= 8) {
      if (value > static_cast<T>(std::numeric_limits<std::int64_t>::max())) throw_out_of_range(key, "int64");
      put_int64(out, key, static_cast<std::int64_t>(value));
    } else {
      put_int64(out, key, static_cast<std::int64_t>(value));
    }
  } else if constexpr (std::is_floating_point_v<T>) {
    put_double(out, key, static_cast<double>(value));
  } else if constexpr (std::is_same_v<T, ObjectId>) {
    put_oid(out, key, value);
  } else if constexpr (std::is_same_v<T, TimePoint>) {
    put_date(out, key, value);
  } else if constexpr (std::is_same_v<T, boost::json::value>) {
    append_json(out, key, value);
  } else if constexpr (std::is_same_v<T, Document>) {
    put_document(out, key, value.get());
  } else if constexpr (DescribedEnum<T>) {
    const char* name = boost::describe::enum_to_string(value, nullptr);
    if (name == nullptr) throw_out_of_range(key, "enum");
    put_utf8(out, key, name);
  } else if constexpr (infra::describe::is_optional_v<T>) {
    if (value.has_value()) append_value(out, key, *value);
    else put_null(out, key);  // inside arrays; members skip empty optionals
  } else if constexpr (is_vector<T>::value) {
    ChildWriter child(out, key, ChildWriter::Kind::array);
    char buffer[16];
    for (std::uint32_t i = 0; i < value.size(); ++i) append_value(child.get(), array_key(i, buffer), value[i]);
    child.end();
  } else if constexpr (DescribedStruct<T>) {
    ChildWriter child(out, key, ChildWriter::Kind::document);
    append_members(child.get(), value);
    child.end();
  } else {
    static_assert(sizeof(T) == 0, "this type has no BSON mapping (see vibework/mongodb/codec.hpp)");
  }
}

template <typename T>
void read_value(const BsonIter& it, T& out, DecodeContext& ctx);

template <DescribedStruct T>
void read_members(const bson_t* doc, T& out, DecodeContext& ctx) {
  const auto& names = wire_names<T>();
  std::size_t index = 0;
  boost::mp11::mp_for_each<infra::describe::public_members<T>>([&](auto member) {
    const std::string& name = names[index++];
    auto& field = out.*member.pointer;
    using F = std::remove_cvref_t<decltype(field)>;
    BsonIter it;
    const bool present = it.find(doc, name);
    PathGuard guard(ctx, name);
    if constexpr (infra::describe::is_optional_v<F>) {
      if (!present || it.type() == BsonType::null) {
        field.reset();
      } else {
        typename F::value_type inner{};
        read_value(it, inner, ctx);
        field = std::move(inner);
      }
    } else {
      if (!present) ctx.fail("is missing (required)");
      read_value(it, field, ctx);
    }
  });
}

template <typename T>
void read_value(const BsonIter& it, T& out, DecodeContext& ctx) {
  if constexpr (std::is_same_v<T, std::string>) {
    if (it.type() != BsonType::utf8) ctx.wrong_type(it, "string");
    out.assign(it.utf8());
  } else if constexpr (std::is_same_v<T, bool>) {
    if (it.type() != BsonType::boolean) ctx.wrong_type(it, "bool");
    out = it.boolean();
  } else if constexpr (std::is_integral_v<T>) {
    const std::int64_t v = read_integer(it, ctx);
    if constexpr (std::is_unsigned_v<T>) {
      if (v < 0 || static_cast<std::uint64_t>(v) > std::numeric_limits<T>::max()) ctx.fail("is out of range");
    } else {
      if (v < std::numeric_limits<T>::min() || v > std::numeric_limits<T>::max()) ctx.fail("is out of range");
    }
    out = static_cast<T>(v);
  } else if constexpr (std::is_floating_point_v<T>) {
    out = static_cast<T>(read_double(it, ctx));
  } else if constexpr (std::is_same_v<T, ObjectId>) {
    if (it.type() != BsonType::oid) ctx.wrong_type(it, "ObjectId");
    out = it.oid();
  } else if constexpr (std::is_same_v<T, TimePoint>) {
    if (it.type() != BsonType::date_time) ctx.wrong_type(it, "date");
    out = it.date_time();
  } else if constexpr (std::is_same_v<T, boost::json::value>) {
    out = read_json(it, ctx);
  } else if constexpr (std::is_same_v<T, Document>) {
    if (it.type() != BsonType::document) ctx.wrong_type(it, "document");
    std::uint32_t length = 0;
    const std::uint8_t* data = nullptr;
    it.document_bytes(&data, &length);
    out = Document::copy_of(data, length);
  } else if constexpr (DescribedEnum<T>) {
    if (it.type() != BsonType::utf8) ctx.wrong_type(it, "string");
    const std::string text(it.utf8());
    if (!boost::describe::enum_from_string(text.c_str(), out)) {
      std::string allowed;
      boost::mp11::mp_for_each<boost::describe::describe_enumerators<T>>([&](auto e) {
        if (!allowed.empty()) allowed += "|";
        allowed += e.name;
      });
      ctx.fail("has unknown value '" + text + "' (expected " + allowed + ")");
    }
  } else if constexpr (infra::describe::is_optional_v<T>) {
    if (it.type() == BsonType::null) {
      out.reset();
    } else {
      typename T::value_type inner{};
      read_value(it, inner, ctx);
      out = std::move(inner);
    }
  } else if constexpr (is_vector<T>::value) {
    if (it.type() != BsonType::array) ctx.wrong_type(it, "array");
    BsonIter child = it.children();
    out.clear();
    while (child.next()) {
      PathGuard guard(ctx, child.key());
      typename T::value_type element{};
      read_value(child, element, ctx);
      out.push_back(std::move(element));
    }
  } else if constexpr (DescribedStruct<T>) {
    if (it.type() != BsonType::document) ctx.wrong_type(it, "document");
    std::uint32_t length = 0;
    const std::uint8_t* data = nullptr;
    it.document_bytes(&data, &length);
    DocumentView child;
    if (!child.init(data, length)) ctx.fail("is a malformed document");
    read_members(child.get(), out, ctx);
  } else {
    static_assert(sizeof(T) == 0, "this type has no BSON mapping (see vibework/mongodb/codec.hpp)");
  }
}

}  // namespace detail

// The BSON document for `value`.
template <DescribedStruct T>
Document encode(const T& value) {
  Document doc;
  detail::append_members(doc.get(), value);
  return doc;
}

// Appends `value` under `key` (used by filters and updates).
template <typename T>
void append(bson_t* out, std::string_view key, const T& value) {
  detail::append_value(out, key, value);
}

// Decodes a whole document. `collection` only names the source in errors.
template <DescribedStruct T>
T decode(const bson_t* doc, std::string_view collection) {
  detail::DecodeContext ctx{collection, {}, {}};
  ctx.id = detail::describe_id(doc);
  T out{};
  detail::read_members(doc, out, ctx);
  return out;
}

}  // namespace vibework::mongodb
