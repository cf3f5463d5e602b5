#pragma once
// to_json(doc): a document's JSON form with the same wire names as its BSON form
// ({"_id": "65a1...", "userId": "u1", "read": false, "createdAt": "2026-11-29T04:02:40.123Z"}),
// what Mongoose's toJSON() gave API clients. ObjectIds are hex strings, dates ISO 8601 UTC,
// enums their names; empty optionals are left out.
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include "vibework/infra/json.hpp"
#include "vibework/mongodb/codec.hpp"

namespace vibework::mongodb {

template <typename T>
boost::json::value to_json(const T& value) {
  if constexpr (std::is_same_v<T, std::string> || std::is_same_v<T, bool> || std::is_arithmetic_v<T>) {
    return boost::json::value_from(value);
  } else if constexpr (std::is_same_v<T, ObjectId>) {
    return boost::json::string(value.to_string());
  } else if constexpr (std::is_same_v<T, TimePoint>) {
    return boost::json::string(infra::format_iso8601(value));
  } else if constexpr (std::is_same_v<T, boost::json::value>) {
    return value;
  } else if constexpr (std::is_same_v<T, Document>) {
    return boost::json::parse(value.to_json());
  } else if constexpr (DescribedEnum<T>) {
    const char* name = boost::describe::enum_to_string(value, nullptr);
    return name != nullptr ? boost::json::value(boost::json::string(name)) : boost::json::value(nullptr);
  } else if constexpr (infra::describe::is_optional_v<T>) {
    return value ? to_json(*value) : boost::json::value(nullptr);
  } else if constexpr (is_vector<T>::value) {
    boost::json::array out;
    for (const auto& element : value) out.push_back(to_json(element));
    return out;
  } else if constexpr (DescribedStruct<T>) {
    boost::json::object out;
    const auto& names = wire_names<T>();
    std::size_t index = 0;
    boost::mp11::mp_for_each<infra::describe::public_members<T>>([&](auto member) {
      const auto& field = value.*member.pointer;
      const std::string& name = names[index++];
      if constexpr (infra::describe::is_optional_v<std::remove_cvref_t<decltype(field)>>) {
        if (!field) return;
      }
      out[name] = to_json(field);
    });
    return out;
  } else {
    static_assert(sizeof(T) == 0, "this type has no JSON form (see vibework/mongodb/json_form.hpp)");
  }
}

}  // namespace vibework::mongodb
