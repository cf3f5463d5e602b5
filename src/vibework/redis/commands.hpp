#pragma once
// Value types of the typed command API.
#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace vibework::redis {

enum class SetCondition { always, nx /* only if absent */, xx /* only if present */ };

struct SetOptions {
  // Expiry: whole seconds are sent as EX, anything else as PX. Zero = no expiry.
  std::chrono::milliseconds ttl{0};
  SetCondition condition = SetCondition::always;
  bool keep_ttl = false;  // KEEPTTL: keep the key's current expiry (ignored when ttl is set)
};

// TTL of a key: missing (-2), persistent (-1) or expiring in `remaining`.
struct KeyTtl {
  enum class State { missing, persistent, expiring };
  State state = State::missing;
  std::chrono::milliseconds remaining{0};
};

// A counter incremented with an expiry (fixed-window rate limits): its value after the
// increment and how long the window still lasts.
struct Counter {
  std::int64_t value = 0;
  std::chrono::milliseconds ttl{0};
};

struct ScanPage {
  std::string cursor = "0";  // "0" when the iteration is complete
  std::vector<std::string> keys;
};

// A list of keys or fields, taken from any of the usual containers. Holds views: the
// strings must outlive the command call (pass temporaries only inside the co_await).
class KeyList {
 public:
  KeyList(std::string_view one) : items_{one} {}
  KeyList(const char* one) : items_{std::string_view(one)} {}
  KeyList(const std::string& one) : items_{std::string_view(one)} {}
  KeyList(std::initializer_list<std::string_view> list) : items_(list) {}
  KeyList(const std::vector<std::string>& list) : items_(list.begin(), list.end()) {}
  KeyList(std::span<const std::string> list) : items_(list.begin(), list.end()) {}
  KeyList(const std::vector<std::string_view>& list) : items_(list) {}

  std::span<const std::string_view> items() const noexcept { return items_; }
  std::size_t size() const noexcept { return items_.size(); }
  bool empty() const noexcept { return items_.empty(); }

 private:
  std::vector<std::string_view> items_;
};

}  // namespace vibework::redis
