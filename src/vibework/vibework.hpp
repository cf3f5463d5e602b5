#pragma once
// The whole layer in one include: core (configuration, errors, health, lifecycle, runtime,
// timeouts, logging) and every part. Link vibework::vibework.
#include "vibework/infra/config.hpp"
#include "vibework/infra/errors.hpp"
#include "vibework/infra/health.hpp"
#include "vibework/infra/json.hpp"
#include "vibework/infra/lifecycle.hpp"
#include "vibework/infra/logging.hpp"
#include "vibework/infra/runtime.hpp"
#include "vibework/infra/timeout.hpp"

#include "vibework/auth/auth.hpp"
#include "vibework/http/http.hpp"
#include "vibework/mail/mail.hpp"
#include "vibework/mongodb/mongodb.hpp"
#include "vibework/mysql/mysql.hpp"
#include "vibework/pubsub/pubsub.hpp"
#include "vibework/redis/redis.hpp"
