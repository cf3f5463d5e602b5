#pragma once
// The Pub/Sub part: the Client component, its publisher and subscribers, topic and subscription
// management.
#include "vibework/pubsub/admin.hpp"
#include "vibework/pubsub/client.hpp"
#include "vibework/pubsub/config.hpp"
#include "vibework/pubsub/publisher.hpp"
#include "vibework/pubsub/resources.hpp"
#include "vibework/pubsub/subscriber.hpp"
