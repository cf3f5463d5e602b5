#pragma once
// The MongoDB part in one include: Database (component), Model, typed queries, codec.
#include "vibework/mongodb/codec.hpp"
#include "vibework/mongodb/collection.hpp"
#include "vibework/mongodb/database.hpp"
#include "vibework/mongodb/declare_document.hpp"
#include "vibework/mongodb/document.hpp"
#include "vibework/mongodb/find_options.hpp"
#include "vibework/mongodb/index_spec.hpp"
#include "vibework/mongodb/model.hpp"
#include "vibework/mongodb/object_id.hpp"
#include "vibework/mongodb/query.hpp"
