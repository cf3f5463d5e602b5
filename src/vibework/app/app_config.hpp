#pragma once
// The reference service's configuration: the core settings and every part's section.
#include "vibework/auth/config.hpp"
#include "vibework/http/config.hpp"
#include "vibework/infra/config.hpp"
#include "vibework/mail/config.hpp"
#include "vibework/mongodb/config.hpp"
#include "vibework/mysql/config.hpp"
#include "vibework/pubsub/config.hpp"
#include "vibework/redis/config.hpp"

namespace vibework::app {

using AppConfig = infra::Config<mysql::Config, mongodb::Config, redis::Config, pubsub::Config, http::Config, mail::Config, auth::Config>;

inline infra::ConfigResult<mysql::Config, mongodb::Config, redis::Config, pubsub::Config, http::Config, mail::Config, auth::Config>
load_app_config(const infra::EnvLookup& lookup) {
  return infra::load_config<mysql::Config, mongodb::Config, redis::Config, pubsub::Config, http::Config, mail::Config, auth::Config>(
      lookup);
}

}  // namespace vibework::app
