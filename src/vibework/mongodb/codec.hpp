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

#include <bson/bson.h>
#include <boost/describe/enum_from_string.hpp>
#include <boost/describe/enum_to_string.hpp>
#include <boost/describe/enumerators.hpp>
#include <boost/describe/members.hpp>
#include <boost/json/value.hpp>
#include <boost/mp11/algorithm.hpp>

#include "vibework/infra/describe/traits.hpp"
#include "vibework/infra/errors.hpp"
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
  [[noreturn]] void wrong_type(const bson_iter_t& it, std::string_view expected) const;
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
boost::json::value read_json(const bson_iter_t& it, DecodeContext& ctx);
[[noreturn]] void throw_out_of_range(std::string_view key, std::string_view type);
std::int64_t read_integer(const bson_iter_t& it, DecodeContext& ctx);
double read_double(const bson_iter_t& it, DecodeContext& ctx);
std::int64_t to_millis(TimePoint t);
std::string_view type_name(bson_type_t type);

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
  const char* k = key.data();
  const int kl = static_cast<int>(key.size());
  if constexpr (std::is_same_v<T, std::string> || std::is_same_v<T, std::string_view>) {
    bson_append_utf8(out, k, kl, value.data(), static_cast<int>(value.size()));
  } else if constexpr (std::is_same_v<T, const char*> || std::is_same_v<std::decay_t<T>, char*>) {
    bson_append_utf8(out, k, kl, value, -1);
  } else if constexpr (std::is_same_v<T, bool>) {
    bson_append_bool(out, k, kl, value);
  } else if constexpr (std::is_integral_v<T>) {
    if constexpr (std::is_signed_v<T> && sizeof(T) <= 4) {
      bson_append_int32(out, k, kl, static_cast<std::int32_t>(value));
    } else if constexpr (std::is_unsigned_v<T> && sizeof(T) < 4) {
      bson_append_int32(out, k, kl, static_cast<std::int32_t>(value));
    } else if constexpr (std::is_unsigned_v<T> && sizeof(T) >= 8) {
      if (value > static_cast<T>(std::numeric_limits<std::int64_t>::max())) throw_out_of_range(key, "int64");
      bson_append_int64(out, k, kl, static_cast<std::int64_t>(value));
    } else {
      bson_append_int64(out, k, kl, static_cast<std::int64_t>(value));
    }
  } else if constexpr (std::is_floating_point_v<T>) {
    bson_append_double(out, k, kl, static_cast<double>(value));
  } else if constexpr (std::is_same_v<T, ObjectId>) {
    bson_oid_t oid;
    std::copy(value.bytes().begin(), value.bytes().end(), oid.bytes);
    bson_append_oid(out, k, kl, &oid);
  } else if constexpr (std::is_same_v<T, TimePoint>) {
    bson_append_date_time(out, k, kl, to_millis(value));
  } else if constexpr (std::is_same_v<T, boost::json::value>) {
    append_json(out, key, value);
  } else if constexpr (std::is_same_v<T, Document>) {
    bson_append_document(out, k, kl, value.get());
  } else if constexpr (DescribedEnum<T>) {
    const char* name = boost::describe::enum_to_string(value, nullptr);
    if (name == nullptr) throw_out_of_range(key, "enum");
    bson_append_utf8(out, k, kl, name, -1);
  } else if constexpr (infra::describe::is_optional_v<T>) {
    if (value.has_value()) append_value(out, key, *value);
    else bson_append_null(out, k, kl);  // inside arrays; members skip empty optionals
  } else if constexpr (is_vector<T>::value) {
    bson_t child;
    bson_append_array_begin(out, k, kl, &child);
    char buffer[16];
    for (std::uint32_t i = 0; i < value.size(); ++i) {
      const char* index_key = nullptr;
      const std::size_t n = bson_uint32_to_string(i, &index_key, buffer, sizeof buffer);
      append_value(&child, std::string_view(index_key, n), value[i]);
    }
    bson_append_array_end(out, &child);
  } else if constexpr (DescribedStruct<T>) {
    bson_t child;
    bson_append_document_begin(out, k, kl, &child);
    append_members(&child, value);
    bson_append_document_end(out, &child);
  } else {
    static_assert(sizeof(T) == 0, "this type has no BSON mapping (see vibework/mongodb/codec.hpp)");
  }
}

template <typename T>
void read_value(const bson_iter_t& it, T& out, DecodeContext& ctx);

template <DescribedStruct T>
void read_members(const bson_t* doc, T& out, DecodeContext& ctx) {
  const auto& names = wire_names<T>();
  std::size_t index = 0;
  boost::mp11::mp_for_each<infra::describe::public_members<T>>([&](auto member) {
    const std::string& name = names[index++];
    auto& field = out.*member.pointer;
    using F = std::remove_cvref_t<decltype(field)>;
    bson_iter_t it;
    const bool present = bson_iter_init_find_w_len(&it, doc, name.data(), static_cast<int>(name.size()));
    PathGuard guard(ctx, name);
    if constexpr (infra::describe::is_optional_v<F>) {
      if (!present || BSON_ITER_HOLDS_NULL(&it)) {
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
void read_value(const bson_iter_t& it, T& out, DecodeContext& ctx) {
  if constexpr (std::is_same_v<T, std::string>) {
    if (!BSON_ITER_HOLDS_UTF8(&it)) ctx.wrong_type(it, "string");
    std::uint32_t length = 0;
    const char* text = bson_iter_utf8(&it, &length);
    out.assign(text, length);
  } else if constexpr (std::is_same_v<T, bool>) {
    if (!BSON_ITER_HOLDS_BOOL(&it)) ctx.wrong_type(it, "bool");
    out = bson_iter_bool(&it);
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
    if (!BSON_ITER_HOLDS_OID(&it)) ctx.wrong_type(it, "ObjectId");
    out = ObjectId::from_bytes(bson_iter_oid(&it)->bytes);
  } else if constexpr (std::is_same_v<T, TimePoint>) {
    if (!BSON_ITER_HOLDS_DATE_TIME(&it)) ctx.wrong_type(it, "date");
    out = TimePoint(std::chrono::milliseconds(bson_iter_date_time(&it)));
  } else if constexpr (std::is_same_v<T, boost::json::value>) {
    out = read_json(it, ctx);
  } else if constexpr (std::is_same_v<T, Document>) {
    if (!BSON_ITER_HOLDS_DOCUMENT(&it)) ctx.wrong_type(it, "document");
    std::uint32_t length = 0;
    const std::uint8_t* data = nullptr;
    bson_iter_document(&it, &length, &data);
    out = Document::copy_of(data, length);
  } else if constexpr (DescribedEnum<T>) {
    if (!BSON_ITER_HOLDS_UTF8(&it)) ctx.wrong_type(it, "string");
    std::uint32_t length = 0;
    const char* text = bson_iter_utf8(&it, &length);
    if (!boost::describe::enum_from_string(std::string(text, length).c_str(), out)) {
      std::string allowed;
      boost::mp11::mp_for_each<boost::describe::describe_enumerators<T>>([&](auto e) {
        if (!allowed.empty()) allowed += "|";
        allowed += e.name;
      });
      ctx.fail("has unknown value '" + std::string(text, length) + "' (expected " + allowed + ")");
    }
  } else if constexpr (infra::describe::is_optional_v<T>) {
    if (BSON_ITER_HOLDS_NULL(&it)) {
      out.reset();
    } else {
      typename T::value_type inner{};
      read_value(it, inner, ctx);
      out = std::move(inner);
    }
  } else if constexpr (is_vector<T>::value) {
    if (!BSON_ITER_HOLDS_ARRAY(&it)) ctx.wrong_type(it, "array");
    bson_iter_t child;
    bson_iter_recurse(&it, &child);
    out.clear();
    while (bson_iter_next(&child)) {
      PathGuard guard(ctx, bson_iter_key(&child));
      typename T::value_type element{};
      read_value(child, element, ctx);
      out.push_back(std::move(element));
    }
  } else if constexpr (DescribedStruct<T>) {
    if (!BSON_ITER_HOLDS_DOCUMENT(&it)) ctx.wrong_type(it, "document");
    std::uint32_t length = 0;
    const std::uint8_t* data = nullptr;
    bson_iter_document(&it, &length, &data);
    bson_t child;
    if (!bson_init_static(&child, data, length)) ctx.fail("is a malformed document");
    read_members(&child, out, ctx);
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
