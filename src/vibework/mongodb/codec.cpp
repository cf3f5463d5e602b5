#include "vibework/mongodb/codec.hpp"

#include <cmath>

#include <bson/bson.h>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/string.hpp>

#include "vibework/infra/describe/names.hpp"
#include "vibework/infra/json.hpp"

namespace vibework::mongodb {

std::string wire_name(std::string_view member_name) {
  if (member_name == "id") return "_id";  // MongoDB's primary key
  return infra::describe::to_camel_case(member_name);
}

namespace {
std::string decode_message(const std::string& collection, const std::string& id, const std::string& field,
                           const std::string& problem) {
  return "document " + id + " in collection '" + collection + "': field '" + field + "' " + problem;
}
}  // namespace

DocumentDecodeError::DocumentDecodeError(std::string collection, std::string id, std::string field,
                                         std::string problem)
    : infra::ProtocolError("mongodb", decode_message(collection, id, field, problem),
                    "the stored document does not match the C++ struct; fix the document or make the "
                    "field std::optional"),
      collection_(std::move(collection)),
      id_(std::move(id)),
      field_(std::move(field)) {}

namespace detail {
namespace {

std::string_view type_name(bson_type_t type) {
  switch (type) {
    case BSON_TYPE_DOUBLE: return "a double";
    case BSON_TYPE_UTF8: return "a string";
    case BSON_TYPE_DOCUMENT: return "a document";
    case BSON_TYPE_ARRAY: return "an array";
    case BSON_TYPE_BINARY: return "binary data";
    case BSON_TYPE_UNDEFINED: return "undefined";
    case BSON_TYPE_OID: return "an ObjectId";
    case BSON_TYPE_BOOL: return "a bool";
    case BSON_TYPE_DATE_TIME: return "a date";
    case BSON_TYPE_NULL: return "null";
    case BSON_TYPE_REGEX: return "a regex";
    case BSON_TYPE_INT32: return "an int32";
    case BSON_TYPE_TIMESTAMP: return "a timestamp";
    case BSON_TYPE_INT64: return "an int64";
    case BSON_TYPE_DECIMAL128: return "a decimal128";
    default: return "an unsupported BSON type";
  }
}

const bson_iter_t& raw(const BsonIter& it) { return *static_cast<const bson_iter_t*>(it.raw()); }

}  // namespace

void DecodeContext::fail(const std::string& problem) const {
  throw DocumentDecodeError(std::string(collection), id, path, problem);
}

void DecodeContext::wrong_type(const BsonIter& iter, std::string_view expected) const {
  fail("is " + std::string(type_name(bson_iter_type(&raw(iter)))) + ", expected " + std::string(expected));
}

std::string describe_id(const bson_t* doc) {
  bson_iter_t it;
  if (!bson_iter_init_find(&it, doc, "_id")) return "(without _id)";
  if (BSON_ITER_HOLDS_OID(&it)) return ObjectId::from_bytes(bson_iter_oid(&it)->bytes).to_string();
  if (BSON_ITER_HOLDS_UTF8(&it)) return "'" + std::string(bson_iter_utf8(&it, nullptr)) + "'";
  if (BSON_ITER_HOLDS_INT32(&it)) return std::to_string(bson_iter_int32(&it));
  if (BSON_ITER_HOLDS_INT64(&it)) return std::to_string(bson_iter_int64(&it));
  return "(_id of type " + std::string(type_name(bson_iter_type(&it))) + ")";
}

void throw_out_of_range(std::string_view key, std::string_view type) {
  throw infra::InvalidArgumentError("mongodb", "value of '" + std::string(key) + "' does not fit in " + std::string(type));
}

std::int64_t read_integer(const BsonIter& iter, DecodeContext& ctx) {
  const bson_iter_t& it = raw(iter);
  switch (bson_iter_type(&it)) {
    case BSON_TYPE_INT32: return bson_iter_int32(&it);
    case BSON_TYPE_INT64: return bson_iter_int64(&it);
    case BSON_TYPE_DOUBLE: {
      // Documents written from JavaScript store every number as a double.
      const double d = bson_iter_double(&it);
      if (std::trunc(d) != d || std::fabs(d) > 9.007199254740992e15) ctx.fail("is a non-integral double, expected an integer");
      return static_cast<std::int64_t>(d);
    }
    default: ctx.wrong_type(iter, "an integer");
  }
}

double read_double(const BsonIter& iter, DecodeContext& ctx) {
  const bson_iter_t& it = raw(iter);
  switch (bson_iter_type(&it)) {
    case BSON_TYPE_DOUBLE: return bson_iter_double(&it);
    case BSON_TYPE_INT32: return bson_iter_int32(&it);
    case BSON_TYPE_INT64: return static_cast<double>(bson_iter_int64(&it));
    default: ctx.wrong_type(iter, "a number");
  }
}

namespace {
// libbson reports a failed append (a key with a NUL byte, a document past its size limit) only by
// returning false; ignored, the value is silently dropped, and a failed *_begin makes the
// matching *_end abort the process.
void appended(bool ok, std::string_view key) {
  if (!ok) throw infra::InvalidArgumentError("mongodb", "could not store the JSON value of '" + std::string(key) + "'");
}
}  // namespace

void append_json(bson_t* out, std::string_view key, const boost::json::value& value) {
  // Checked before anything is appended: a BSON key is a C string.
  if (key.find('\0') != std::string_view::npos) {
    throw infra::InvalidArgumentError("mongodb", "a JSON object key contains a NUL character, which BSON cannot store");
  }
  const char* k = key.data();
  const int kl = static_cast<int>(key.size());
  switch (value.kind()) {
    case boost::json::kind::null: appended(bson_append_null(out, k, kl), key); break;
    case boost::json::kind::bool_: appended(bson_append_bool(out, k, kl, value.get_bool()), key); break;
    case boost::json::kind::int64: appended(bson_append_int64(out, k, kl, value.get_int64()), key); break;
    case boost::json::kind::uint64:
      if (value.get_uint64() > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
        appended(bson_append_double(out, k, kl, static_cast<double>(value.get_uint64())), key);
      } else {
        appended(bson_append_int64(out, k, kl, static_cast<std::int64_t>(value.get_uint64())), key);
      }
      break;
    case boost::json::kind::double_: appended(bson_append_double(out, k, kl, value.get_double()), key); break;
    case boost::json::kind::string: {
      const auto& s = value.get_string();
      appended(bson_append_utf8(out, k, kl, s.data(), static_cast<int>(s.size())), key);
      break;
    }
    case boost::json::kind::array: {
      bson_t child;
      appended(bson_append_array_begin(out, k, kl, &child), key);
      char buffer[16];
      std::uint32_t i = 0;
      for (const auto& element : value.get_array()) {
        const char* index_key = nullptr;
        const std::size_t n = bson_uint32_to_string(i++, &index_key, buffer, sizeof buffer);
        append_json(&child, std::string_view(index_key, n), element);
      }
      appended(bson_append_array_end(out, &child), key);
      break;
    }
    case boost::json::kind::object: {
      bson_t child;
      appended(bson_append_document_begin(out, k, kl, &child), key);
      for (const auto& [name, element] : value.get_object()) append_json(&child, name, element);
      appended(bson_append_document_end(out, &child), key);
      break;
    }
  }
}

boost::json::value read_json(const BsonIter& iter, DecodeContext& ctx) {
  const bson_iter_t& it = raw(iter);
  switch (bson_iter_type(&it)) {
    case BSON_TYPE_NULL:
    case BSON_TYPE_UNDEFINED: return nullptr;
    case BSON_TYPE_BOOL: return bson_iter_bool(&it);
    case BSON_TYPE_INT32: return static_cast<std::int64_t>(bson_iter_int32(&it));
    case BSON_TYPE_INT64: return bson_iter_int64(&it);
    case BSON_TYPE_DOUBLE: return bson_iter_double(&it);
    case BSON_TYPE_UTF8: {
      std::uint32_t length = 0;
      const char* text = bson_iter_utf8(&it, &length);
      return boost::json::string(text, length);
    }
    // Free-form JSON has no dates or ids: they come back in their usual text forms.
    case BSON_TYPE_DATE_TIME: return boost::json::string(infra::format_iso8601(TimePoint(std::chrono::milliseconds(bson_iter_date_time(&it)))));
    case BSON_TYPE_OID: return boost::json::string(ObjectId::from_bytes(bson_iter_oid(&it)->bytes).to_string());
    case BSON_TYPE_ARRAY: {
      boost::json::array out;
      BsonIter child = iter.children();
      while (child.next()) {
        PathGuard guard(ctx, child.key());
        out.push_back(read_json(child, ctx));
      }
      return out;
    }
    case BSON_TYPE_DOCUMENT: {
      boost::json::object out;
      BsonIter child = iter.children();
      while (child.next()) {
        const std::string_view key = child.key();
        PathGuard guard(ctx, key);
        out[key] = read_json(child, ctx);
      }
      return out;
    }
    default: ctx.wrong_type(iter, "a JSON-compatible value (null, bool, number, string, date, ObjectId, array, document)");
  }
}

}  // namespace detail
}  // namespace vibework::mongodb
