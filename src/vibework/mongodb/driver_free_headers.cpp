// Compiled by a ctest without the mongo-c-driver include paths (see CMakeLists.txt): these public
// headers must not need <bson/bson.h> or <mongoc/mongoc.h>.
#include "vibework/mongodb/collection.hpp"
#include "vibework/mongodb/config.hpp"
#include "vibework/mongodb/database.hpp"
#include "vibework/mongodb/document.hpp"
#include "vibework/mongodb/find_options.hpp"
#include "vibework/mongodb/index_spec.hpp"
#include "vibework/mongodb/object_id.hpp"
