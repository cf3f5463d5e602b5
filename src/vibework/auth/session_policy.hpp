#pragma once
// Session lifetimes as Better-Auth 1.7 computes them (facts file §4), as pure functions of the
// clock, so get-session, sign-in and the guards agree and are tested without a database.
//
//   auth::SessionPolicy policy;                                  // 7 d, slides after 1 d, fresh for 1 d
//   auto expires = policy.new_expiry(now, remember_me);
//   switch (policy.on_presented(session.expires_at, now, dont_remember, disable_refresh)) { ... }
#include <chrono>
#include <functional>

namespace vibework::auth {

// The rows' type (mysql::TimePoint); values are whole milliseconds, as DATETIME(3) stores them.
using TimePoint = std::chrono::system_clock::time_point;

// The stores' clock: injectable so tests can move time; empty means the system clock, read in
// whole milliseconds (what DATETIME(3) keeps, so a value read back compares equal).
using Clock = std::function<TimePoint()>;
inline TimePoint now_by(const Clock& clock) {
  if (clock) return clock();
  return std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
}

enum class Presented {
  expired,  // delete the row, expire the cookies, no session
  keep,     // the session as it is, no Set-Cookie
  refresh,  // slide: expires_at = refreshed_expiry(now), updated_at = now, re-issue the cookie
};

struct SessionPolicy {
  std::chrono::seconds expires_in{604'800};   // session.expiresIn, 7 days
  std::chrono::seconds update_age{86'400};    // session.updateAge: slide once a day at most
  std::chrono::seconds fresh_age{86'400};     // session.freshAge; 0 disables freshness
  std::chrono::seconds forgotten_in{86'400};  // the lifetime when rememberMe is false, 1 day

  // expires_at of a new session: now + expiresIn, or now + 1 day without remember-me.
  TimePoint new_expiry(TimePoint now, bool remember_me) const noexcept {
    return now + (remember_me ? expires_in : forgotten_in);
  }

  // What to do with a session presented at `now`. A dont_remember session never slides, nor
  // does one asked with disableRefresh.
  Presented on_presented(TimePoint expires_at, TimePoint now, bool dont_remember, bool disable_refresh) const noexcept {
    if (expires_at < now) return Presented::expired;
    if (dont_remember || disable_refresh) return Presented::keep;
    // Refresh once updateAge has passed since the last extension.
    const TimePoint due = expires_at - expires_in + update_age;
    return now >= due ? Presented::refresh : Presented::keep;
  }

  TimePoint refreshed_expiry(TimePoint now) const noexcept { return now + expires_in; }

  // freshSessionMiddleware: a session is fresh for freshAge after it was created.
  bool is_fresh(TimePoint created_at, TimePoint now) const noexcept {
    return fresh_age.count() == 0 || now - created_at < fresh_age;
  }
};

}  // namespace vibework::auth
