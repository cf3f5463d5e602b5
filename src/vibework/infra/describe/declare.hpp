#pragma once
// Preprocessor pieces shared by the one-declaration macros (VIBEWORK_MYSQL_TABLE,
// VIBEWORK_MONGODB_DOCUMENT): each member is written once, as a tuple
//
//   (type, name)            e.g. (std::string, email)
//   (type, name, extra)     extra: a column option (mysql) or a default value (mongodb)
//
// and these macros turn the list of tuples into the struct and its BOOST_DESCRIBE_STRUCT. A type
// with a comma in it (std::map<K, V>) needs an alias first. Up to 64 members (Boost.PP's
// variadic limit).
#include <boost/describe/class.hpp>
#include <boost/preprocessor/comparison/equal.hpp>
#include <boost/preprocessor/control/iif.hpp>
#include <boost/preprocessor/seq/enum.hpp>
#include <boost/preprocessor/seq/for_each.hpp>
#include <boost/preprocessor/seq/transform.hpp>
#include <boost/preprocessor/tuple/elem.hpp>
#include <boost/preprocessor/tuple/size.hpp>
#include <boost/preprocessor/variadic/to_seq.hpp>

#define VIBEWORK_DETAIL_MEMBER_TYPE(m) BOOST_PP_TUPLE_ELEM(0, m)
#define VIBEWORK_DETAIL_MEMBER_NAME(m) BOOST_PP_TUPLE_ELEM(1, m)
#define VIBEWORK_DETAIL_MEMBER_EXTRA(m) BOOST_PP_TUPLE_ELEM(2, m)
#define VIBEWORK_DETAIL_HAS_EXTRA(m) BOOST_PP_EQUAL(BOOST_PP_TUPLE_SIZE(m), 3)
#define VIBEWORK_DETAIL_NOTHING(m)

// `type name{};` (value-initialised) or, with the default-value form, `type name{extra};`.
#define VIBEWORK_DETAIL_MEMBER(r, data, m) VIBEWORK_DETAIL_MEMBER_TYPE(m) VIBEWORK_DETAIL_MEMBER_NAME(m){};
#define VIBEWORK_DETAIL_MEMBER_WITH_DEFAULT(r, data, m)                                    \
  VIBEWORK_DETAIL_MEMBER_TYPE(m) VIBEWORK_DETAIL_MEMBER_NAME(m){                           \
      BOOST_PP_IIF(VIBEWORK_DETAIL_HAS_EXTRA(m), VIBEWORK_DETAIL_MEMBER_EXTRA, VIBEWORK_DETAIL_NOTHING)(m)};

// struct Name { members }; BOOST_DESCRIBE_STRUCT(Name, (), (names...))
#define VIBEWORK_DETAIL_DESCRIBED_STRUCT(Name, member_macro, seq)                       \
  struct Name {                                                                         \
    BOOST_PP_SEQ_FOR_EACH(member_macro, ~, seq)                                         \
  };                                                                                    \
  VIBEWORK_DETAIL_DESCRIBE(Name, BOOST_PP_SEQ_ENUM(BOOST_PP_SEQ_TRANSFORM(VIBEWORK_DETAIL_NAME_OF, ~, seq)))
#define VIBEWORK_DETAIL_NAME_OF(s, data, m) VIBEWORK_DETAIL_MEMBER_NAME(m)
#define VIBEWORK_DETAIL_DESCRIBE(Name, ...) BOOST_DESCRIBE_STRUCT(Name, (), (__VA_ARGS__))
