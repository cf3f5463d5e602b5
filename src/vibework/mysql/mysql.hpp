#pragma once
// The MySQL part: the Database component, typed queries over described row structs, migrations.
#include "vibework/mysql/config.hpp"
#include "vibework/mysql/database.hpp"
#include "vibework/mysql/migrations.hpp"
#include "vibework/mysql/query/builders.hpp"
#include "vibework/mysql/query/column.hpp"
#include "vibework/mysql/query/declare_table.hpp"
#include "vibework/mysql/query/table.hpp"
