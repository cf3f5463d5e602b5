#pragma once
// The MongoDB part in one include: Database (component), Model, typed queries, codec.
#include "vibework/infra/mongodb/codec.hpp"
#include "vibework/infra/mongodb/collection.hpp"
#include "vibework/infra/mongodb/database.hpp"
#include "vibework/infra/mongodb/document.hpp"
#include "vibework/infra/mongodb/index_spec.hpp"
#include "vibework/infra/mongodb/model.hpp"
#include "vibework/infra/mongodb/object_id.hpp"
#include "vibework/infra/mongodb/query.hpp"
