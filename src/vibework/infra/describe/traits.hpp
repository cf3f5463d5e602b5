#pragma once
// Reflection helpers over BOOST_DESCRIBE_STRUCT, shared by the SQL row mapping (mysql), the
// BSON document mapping (mongodb) and anything else driven by a struct's description.
//
// Included by user-facing templates: Boost.Describe and Mp11 only.
#include <cstddef>
#include <optional>
#include <type_traits>

#include <boost/describe/members.hpp>
#include <boost/mp11/algorithm.hpp>

namespace vibework::infra::describe {

// std::optional<T>: a nullable column, an absent field.
template <typename T>
struct is_optional : std::false_type {};
template <typename T>
struct is_optional<std::optional<T>> : std::true_type {};
template <typename T>
inline constexpr bool is_optional_v = is_optional<T>::value;

// optional<T> -> T; any other T -> T.
template <typename T>
struct unwrap_optional {
  using type = T;
};
template <typename T>
struct unwrap_optional<std::optional<T>> {
  using type = T;
};
template <typename T>
using unwrap_optional_t = typename unwrap_optional<T>::type;

// The parts of a pointer to data member: `&User::email` -> owner User, value std::string.
template <typename M>
struct member_traits;
template <typename Owner, typename Value>
struct member_traits<Value Owner::*> {
  using owner = Owner;
  using value = Value;
};

// T's public data members as described, in declaration order (an mp11 list of descriptors).
template <typename T>
using public_members = boost::describe::describe_members<T, boost::describe::mod_public>;

template <typename T>
inline constexpr std::size_t member_count = boost::mp11::mp_size<public_members<T>>::value;

inline constexpr std::size_t no_member = static_cast<std::size_t>(-1);

// The position of `Member` in T's description, or no_member when it is not listed.
template <typename T, auto Member>
consteval std::size_t member_index() {
  std::size_t index = 0;
  std::size_t found = no_member;
  boost::mp11::mp_for_each<public_members<T>>([&](auto d) {
    if constexpr (std::is_same_v<std::remove_cv_t<decltype(d.pointer)>, decltype(Member)>) {
      if (d.pointer == Member) found = index;
    }
    ++index;
  });
  return found;
}

}  // namespace vibework::infra::describe
