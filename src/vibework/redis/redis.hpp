#pragma once
// The Redis part: the Client component (commands, pipelines, pub/sub) and cache-aside.
#include "vibework/redis/cache.hpp"
#include "vibework/redis/client.hpp"
#include "vibework/redis/config.hpp"
#include "vibework/redis/pipeline.hpp"
