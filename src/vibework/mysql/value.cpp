#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <fmt/format.h>

#include "vibework/infra/errors.hpp"
#include "vibework/mysql/query/codec.hpp"
#include "vibework/mysql/query/table.hpp"

namespace vibework::mysql {

namespace {
std::string_view kind_name(const Value& v) {
  switch (v.index()) {
    case 0: return "NULL";
    case 1: return "a signed integer";
    case 2: return "an unsigned integer";
    case 3: return "a floating-point number";
    case 4: return "text";
    default: return "a date-time";
  }
}
}  // namespace

namespace codec {

std::string json_to_text(const boost::json::value& v) { return boost::json::serialize(v); }

boost::json::value json_from_text(std::string_view text, std::string_view column) {
  boost::system::error_code ec;
  auto v = boost::json::parse(text, ec);
  if (ec) throw infra::ProtocolError("mysql", fmt::format("column '{}' does not hold valid JSON", column));
  return v;
}

void wrong_type(std::string_view column, const Value& v, std::string_view expected) {
  throw infra::ProtocolError(
      "mysql", fmt::format("column '{}' holds {}, but the struct member expects {}", column, kind_name(v), expected),
      "the table definition and the row struct disagree: check the migration for this column");
}

void unexpected_null(std::string_view column) {
  throw infra::ProtocolError("mysql", fmt::format("column '{}' is NULL but the struct member is not optional", column),
                             "make the member std::optional or the column NOT NULL");
}

}  // namespace codec

std::string quote_identifier(std::string_view name) {
  std::string out = "`";
  for (char ch : name) {
    if (ch == '`') out += '`';
    out += ch;
  }
  out += '`';
  return out;
}

}  // namespace vibework::mysql
