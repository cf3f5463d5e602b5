#pragma once
// Dead letters: what the worker subscriptions gave up on, kept by dead-letter-review.
//
// `vibework pubsub dead-letters` pulls up to `max` of them and prints one line each (message id,
// vibework-id, eventType, the subscription that gave up and after how many deliveries, the start
// of the data). Without --replay they stay where they are (nacked, so they are there again at
// once); with --replay each is published again to the topic of the subscription it came from,
// with its own attributes (the server's CloudPubSub* ones removed, so vibework-id and eventType
// make it a duplicate the worker recognises), and only then acked.
#include <cstddef>
#include <iosfwd>
#include <map>
#include <optional>
#include <string>

#include "vibework/pubsub/config.hpp"

namespace vibework::app::worker {

struct DeadLetter {
  std::string ack_id;
  std::string message_id;
  std::string data_base64;  // as pulled: republished unchanged
  std::map<std::string, std::string> attributes;

  // What the dead-letter policy wrote: the subscription's short name (and project) and the count.
  std::string source_subscription() const;
  std::string source_project() const;  // empty when not given
  std::string delivery_count() const;
  // The attributes a replay publishes: ours, without the server's CloudPubSub* ones.
  std::map<std::string, std::string> replay_attributes() const;
  // The first `limit` bytes of the data, printable (other bytes as '.'), "..." when cut.
  std::string data_preview(std::size_t limit = 60) const;
  // The line `pubsub dead-letters` prints.
  std::string describe() const;
};

struct DeadLetterOptions {
  bool replay = false;
  std::size_t max = 100;
};

// `vibework pubsub dead-letters`: the listing on `out`, errors on `err`; the exit code.
int run_pubsub_dead_letters(const pubsub::Config& config, const DeadLetterOptions& options, std::ostream& out,
                            std::ostream& err);

}  // namespace vibework::app::worker
