// DeadlineSweep: what fires, when the timer is armed, and that actions may change the list.
// No timing assertions: deadlines are in the past (they fire on the next wake-up) or far in
// the future (they never fire during a test), and armed_for() shows the timer's plan.
#include "vibework/infra/async/deadline_sweep.hpp"

#include <functional>
#include <memory>
#include <optional>

#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

namespace {

using namespace std::chrono_literals;
using vibework::infra::DeadlineSweep;
using Clock = DeadlineSweep::Clock;

struct Probe final : DeadlineSweep::Entry {
  explicit Probe(Clock::duration slack = {}) : Entry(slack) {}
  int fired = 0;
  std::function<void()> then;  // runs inside on_deadline
  void on_deadline() override {
    ++fired;
    if (then) then();
  }
};

// Runs handlers until `done` (a re-armed timer also completes its superseded waits).
template <typename Done>
void run_until(boost::asio::io_context& io, Done done) {
  io.restart();
  while (!done() && io.run_one_for(30s) > 0) {
  }
  ASSERT_TRUE(done());
}

// Runs until the io_context has no work left; the bound only keeps a broken test from hanging.
void run_out_of_work(boost::asio::io_context& io) {
  io.restart();
  io.run_for(30s);
  ASSERT_TRUE(io.stopped()) << "the io_context still had work: the sweep kept its timer armed";
}

TEST(DeadlineSweep, FiresWhatIsDueOnTheNextWakeUpNeverInline) {
  boost::asio::io_context io(1);
  auto& sweep = DeadlineSweep::of(io.get_executor());
  EXPECT_EQ(&sweep, &DeadlineSweep::of(io.get_executor())) << "one sweep per io_context";
  Probe due, later;
  sweep.schedule(due, Clock::now() - 1ms);
  sweep.schedule(later, Clock::now() + 1h);
  EXPECT_EQ(due.fired, 0);
  EXPECT_TRUE(due.scheduled());

  run_until(io, [&] { return due.fired > 0; });
  EXPECT_EQ(due.fired, 1);
  EXPECT_FALSE(due.scheduled());
  EXPECT_EQ(later.fired, 0);
  EXPECT_TRUE(later.scheduled());
  EXPECT_EQ(sweep.armed_for(), later.deadline()) << "re-armed for the rest";

  sweep.cancel(later);
  EXPECT_FALSE(sweep.armed_for());
  run_out_of_work(io);
  EXPECT_EQ(later.fired, 0);
}

TEST(DeadlineSweep, CancelledAndDestroyedEntriesDoNotFire) {
  boost::asio::io_context io(1);
  auto& sweep = DeadlineSweep::of(io.get_executor());
  Probe cancelled;
  sweep.schedule(cancelled, Clock::now() - 1ms);
  sweep.cancel(cancelled);
  sweep.cancel(cancelled);  // idempotent
  {
    Probe destroyed;
    sweep.schedule(destroyed, Clock::now() - 1ms);
  }
  run_out_of_work(io);
  EXPECT_EQ(cancelled.fired, 0);
}

TEST(DeadlineSweep, ArmsOnlyWhenADeadlineMovesEarlier) {
  boost::asio::io_context io(1);
  auto& sweep = DeadlineSweep::of(io.get_executor());
  const auto t = Clock::now() + 1h;
  Probe a, b;
  EXPECT_FALSE(sweep.armed_for());
  sweep.schedule(a, t);
  EXPECT_EQ(sweep.armed_for(), t);
  sweep.schedule(b, t + 1s);  // later than the armed time: no timer operation
  EXPECT_EQ(sweep.armed_for(), t);
  sweep.schedule(a, t + 2s);  // moved later: the timer wakes early once and re-arms then
  EXPECT_EQ(sweep.armed_for(), t);
  sweep.schedule(b, t - 1s);  // earlier
  EXPECT_EQ(sweep.armed_for(), t - 1s);
  sweep.cancel(a);
  EXPECT_EQ(sweep.armed_for(), t - 1s) << "others remain: no timer operation";
  sweep.cancel(b);
  EXPECT_FALSE(sweep.armed_for()) << "nothing left: the io_context is released";
  run_out_of_work(io);
}

TEST(DeadlineSweep, NoDeadlineKeepsTheEntryWithoutArming) {
  boost::asio::io_context io(1);
  auto& sweep = DeadlineSweep::of(io.get_executor());
  Probe idle;
  sweep.schedule(idle, Clock::time_point::max());
  EXPECT_TRUE(idle.scheduled());
  EXPECT_FALSE(sweep.armed_for());
  run_out_of_work(io);
  EXPECT_EQ(idle.fired, 0);
  EXPECT_TRUE(idle.scheduled());
}

TEST(DeadlineSweep, SlackDelaysTheWakeUpSoThatOneServesMany) {
  boost::asio::io_context io(1);
  auto& sweep = DeadlineSweep::of(io.get_executor());
  const auto t = Clock::now() + 1h;
  Probe coarse(100ms), also_coarse(100ms), exact;
  sweep.schedule(coarse, t);
  EXPECT_EQ(sweep.armed_for(), t + 100ms);
  sweep.schedule(also_coarse, t + 50ms);  // its latest time is after the armed one
  EXPECT_EQ(sweep.armed_for(), t + 100ms);
  sweep.schedule(exact, t + 10ms);  // no slack: the timer must wake at its deadline
  EXPECT_EQ(sweep.armed_for(), t + 10ms);
  sweep.cancel(exact);

  // Both coarse entries are due when the first one's slack is used up: one wake-up.
  const auto soon = Clock::now() + 5ms;
  sweep.schedule(coarse, soon);
  sweep.schedule(also_coarse, soon + 50ms);
  EXPECT_EQ(sweep.armed_for(), soon + 100ms);
  run_until(io, [&] { return coarse.fired > 0; });
  EXPECT_EQ(also_coarse.fired, 1) << "fired by the same wake-up";
  run_out_of_work(io);
}

TEST(DeadlineSweep, AnActionMayRescheduleItself) {
  boost::asio::io_context io(1);
  auto& sweep = DeadlineSweep::of(io.get_executor());
  Probe periodic;
  periodic.then = [&] {
    if (periodic.fired < 3) sweep.schedule(periodic, Clock::now() - 1ms);
  };
  sweep.schedule(periodic, Clock::now() - 1ms);
  run_out_of_work(io);
  EXPECT_EQ(periodic.fired, 3);
  EXPECT_FALSE(periodic.scheduled());
}

TEST(DeadlineSweep, AnActionMayCancelOrDestroyAnotherDueEntry) {
  boost::asio::io_context io(1);
  auto& sweep = DeadlineSweep::of(io.get_executor());
  // Two due entries that each cancel the other: whichever runs first, the other must not.
  Probe a, b;
  a.then = [&] { sweep.cancel(b); };
  b.then = [&] { sweep.cancel(a); };
  // Two that each destroy the other (ASan checks that nothing touches the dead one).
  auto c = std::make_unique<Probe>();
  auto d = std::make_unique<Probe>();
  int destroyed_fired = 0;
  c->then = [&] { ++destroyed_fired; d.reset(); };
  d->then = [&] { ++destroyed_fired; c.reset(); };
  const auto past = Clock::now() - 1ms;
  for (Probe* p : {&a, &b, c.get(), d.get()}) sweep.schedule(*p, past);
  run_out_of_work(io);
  EXPECT_EQ(a.fired + b.fired, 1);
  EXPECT_EQ(destroyed_fired, 1);
}

TEST(DeadlineSweep, AnActionMayRescheduleAnotherDueEntryBeforeItsTurn) {
  boost::asio::io_context io(1);
  auto& sweep = DeadlineSweep::of(io.get_executor());
  Probe a, b;
  const auto far = Clock::now() + 1h;
  a.then = [&] { if (b.fired == 0) sweep.schedule(b, far); };
  b.then = [&] { if (a.fired == 0) sweep.schedule(a, far); };
  const auto past = Clock::now() - 1ms;
  sweep.schedule(a, past);
  sweep.schedule(b, past);
  run_until(io, [&] { return a.fired + b.fired > 0; });
  EXPECT_EQ(a.fired + b.fired, 1);
  EXPECT_TRUE(a.scheduled() != b.scheduled());
  EXPECT_EQ(sweep.armed_for(), far) << "armed once, at the end of the sweep";
}

TEST(DeadlineSweep, EntriesMayOutliveTheIoContext) {
  Probe survivor;
  {
    boost::asio::io_context io(1);
    DeadlineSweep::of(io.get_executor()).schedule(survivor, Clock::now() + 1h);
    EXPECT_TRUE(survivor.scheduled());
  }
  EXPECT_FALSE(survivor.scheduled()) << "detached when the io_context went away";
  EXPECT_EQ(survivor.fired, 0);
}

}  // namespace
