#pragma once
// Codec: C++ member types <-> Value, for the typed layer. Supported column types:
//   std::string (VARCHAR/TEXT), bool (BOOLEAN), integers (INT/BIGINT), double/float,
//   TimePoint (DATETIME(3)/TIMESTAMP(3), UTC), boost::json::value (JSON), std::optional<T> (NULL).
#include <chrono>
#include <concepts>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

#include <boost/json/value.hpp>  // complete: from_value returns a json::value (clang checks this early)

#include "vibework/mysql/value.hpp"
#include "vibework/infra/describe/traits.hpp"

namespace vibework::mysql {

// The non-NULL type of a column: optional<T> -> T.
template <typename T>
using column_value_t = infra::describe::unwrap_optional_t<T>;

template <typename T>
concept SqlScalar = std::same_as<T, std::string> || std::same_as<T, bool> || std::integral<T> ||
                    std::floating_point<T> || std::same_as<T, TimePoint> || std::same_as<T, boost::json::value>;

template <typename T>
concept SqlColumnType = SqlScalar<column_value_t<T>>;

// Can a C++ value of type V be compared with / assigned to a column holding T? Strict on
// purpose: no int for a string or bool column, no bool for an integer column, no text for a time.
template <typename T, typename V>
concept CompatibleWith = [] {
  using C = column_value_t<T>;
  using U = std::remove_cvref_t<V>;
  if constexpr (std::same_as<C, std::string>) {
    return std::is_convertible_v<const U&, std::string_view> && !std::is_same_v<U, std::nullptr_t>;
  } else if constexpr (std::same_as<C, bool>) {
    return std::same_as<U, bool>;
  } else if constexpr (std::integral<C>) {
    return std::integral<U> && !std::same_as<U, bool>;
  } else if constexpr (std::floating_point<C>) {
    return (std::integral<U> || std::floating_point<U>) && !std::same_as<U, bool>;
  } else if constexpr (std::same_as<C, TimePoint>) {
    return std::is_convertible_v<const U&, TimePoint> && !std::integral<U>;
  } else if constexpr (std::same_as<C, boost::json::value>) {
    return std::same_as<U, boost::json::value>;
  } else {
    return false;
  }
}();

namespace codec {

std::string json_to_text(const boost::json::value& v);
boost::json::value json_from_text(std::string_view text, std::string_view column);
[[noreturn]] void wrong_type(std::string_view column, const Value& v, std::string_view expected);
[[noreturn]] void unexpected_null(std::string_view column);

// A C++ value (of a type CompatibleWith the column) as a parameter for a column of type T.
template <typename T, typename V>
Value to_value(const V& v) {
  using C = column_value_t<T>;
  using U = std::remove_cvref_t<V>;
  if constexpr (infra::describe::is_optional_v<U>) {
    if (!v) return std::monostate{};
    return to_value<T>(*v);
  } else if constexpr (std::same_as<C, std::string>) {
    return std::string(std::string_view(v));
  } else if constexpr (std::same_as<C, bool>) {
    return static_cast<std::int64_t>(v ? 1 : 0);
  } else if constexpr (std::integral<C>) {
    if constexpr (std::is_unsigned_v<U>) return static_cast<std::uint64_t>(v);
    else return static_cast<std::int64_t>(v);
  } else if constexpr (std::floating_point<C>) {
    return static_cast<double>(v);
  } else if constexpr (std::same_as<C, TimePoint>) {
    return std::chrono::time_point_cast<TimePoint::duration>(TimePoint(v));
  } else {
    return json_to_text(v);
  }
}

// A result cell into a member of type T; `column` names it in errors.
template <typename T>
T from_value(const Value& v, std::string_view column) {
  if constexpr (infra::describe::is_optional_v<T>) {
    if (is_null(v)) return std::nullopt;
    return from_value<typename T::value_type>(v, column);
  } else {
    if (is_null(v)) unexpected_null(column);
    if constexpr (std::same_as<T, std::string>) {
      if (auto* s = std::get_if<std::string>(&v)) return *s;
      wrong_type(column, v, "text");
    } else if constexpr (std::same_as<T, bool>) {
      if (auto* i = std::get_if<std::int64_t>(&v)) return *i != 0;
      if (auto* u = std::get_if<std::uint64_t>(&v)) return *u != 0;
      wrong_type(column, v, "boolean");
    } else if constexpr (std::integral<T>) {
      if (auto* i = std::get_if<std::int64_t>(&v)) return static_cast<T>(*i);
      if (auto* u = std::get_if<std::uint64_t>(&v)) return static_cast<T>(*u);
      wrong_type(column, v, "integer");
    } else if constexpr (std::floating_point<T>) {
      if (auto* d = std::get_if<double>(&v)) return static_cast<T>(*d);
      if (auto* i = std::get_if<std::int64_t>(&v)) return static_cast<T>(*i);
      if (auto* s = std::get_if<std::string>(&v)) return static_cast<T>(std::stod(*s));  // DECIMAL
      wrong_type(column, v, "number");
    } else if constexpr (std::same_as<T, TimePoint>) {
      if (auto* t = std::get_if<TimePoint>(&v)) return *t;
      wrong_type(column, v, "DATETIME");
    } else {
      static_assert(std::same_as<T, boost::json::value>, "unsupported column type");
      if (auto* s = std::get_if<std::string>(&v)) return json_from_text(*s, column);
      wrong_type(column, v, "JSON text");
    }
  }
}

// from_value, moving text out of the cell instead of copying it.
template <typename T>
T take_value(Value& v, std::string_view column) {
  if constexpr (std::same_as<T, std::string> || std::same_as<T, std::optional<std::string>>) {
    if (auto* s = std::get_if<std::string>(&v)) return std::move(*s);
  }
  return from_value<T>(v, column);
}

}  // namespace codec
}  // namespace vibework::mysql
