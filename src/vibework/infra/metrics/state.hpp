#pragma once
// Internal: what a Registry holds. One lock guards the families and their children; recording
// never takes it (handles point straight at the cells). Callbacks run without it (a callback
// takes its component's lock, and a component holding that lock may create a labelled child):
// `callbacks` is held shared while they run and exclusively to unregister one, so a callback
// never runs after its Registration is gone.
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <vector>

#include "vibework/infra/metrics/cells.hpp"

namespace vibework::infra::metrics::detail {

enum class Kind { counter, gauge, histogram };

struct Child {
  std::unique_ptr<CounterCell> counter;
  std::unique_ptr<GaugeCell> gauge;
  std::unique_ptr<HistogramCell> histogram;
  std::function<double()> callback;  // for a callback family
  std::uint64_t id = 0;              // its Registration
};

struct State;

struct Family {
  State* state = nullptr;
  Kind kind = Kind::counter;
  bool callback = false;
  std::string name;
  std::string help;
  std::vector<std::string> label_names;
  std::vector<double> bounds;
  // Ordered by label values, so the exposition is stable.
  std::map<std::vector<std::string>, Child> children;

  // Under state->mutex.
  Child& child(std::vector<std::string> values);
};

struct State {
  mutable std::mutex mutex;
  mutable std::shared_mutex callbacks;  // taken before `mutex` when both are
  std::map<std::string, std::unique_ptr<Family>, std::less<>> families;
  std::uint64_t next_id = 1;
};

}  // namespace vibework::infra::metrics::detail
