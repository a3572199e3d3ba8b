#include "ocbuild/solver/scheduler.h"

#include <signal.h>

#include <atomic>
#include <chrono>
#include <mutex>

#include <gtest/gtest.h>

#include "ocbuild/core/error.h"

namespace ocbuild::solver {
namespace {

using namespace std::chrono_literals;

TEST(Scheduler, RunsDependenciesFirst) {
  Scheduler s(4);
  std::mutex mu;
  std::vector<std::string> order;
  auto job = [&](std::string name, std::vector<size_t> deps) {
    return s.add({name, deps, [&, name](std::stop_token) {
                    std::this_thread::sleep_for(5ms);
                    std::lock_guard lock(mu);
                    order.push_back(name);
                  }});
  };
  size_t a = job("a", {});
  size_t b = job("b", {a});
  size_t c = job("c", {a});
  job("d", {b, c});
  s.run();
  ASSERT_EQ(order.size(), 4u);
  EXPECT_EQ(order.front(), "a");
  EXPECT_EQ(order.back(), "d");
}

TEST(Scheduler, IndependentJobsOverlap) {
  Scheduler s(2);
  std::atomic<int> running{0}, peak{0};
  for (int i = 0; i < 2; ++i) {
    s.add({"j" + std::to_string(i), {}, [&](std::stop_token) {
             int now = ++running;
             peak = std::max(peak.load(), now);
             for (int k = 0; k < 200 && peak < 2; ++k) std::this_thread::sleep_for(1ms);
             --running;
           }});
  }
  s.run();
  EXPECT_EQ(peak.load(), 2);
}

TEST(Scheduler, RespectsTheJobLimit) {
  Scheduler s(1);
  std::atomic<int> running{0}, peak{0};
  for (int i = 0; i < 4; ++i) {
    s.add({"j", {}, [&](std::stop_token) {
             peak = std::max(peak.load(), ++running);
             std::this_thread::sleep_for(2ms);
             --running;
           }});
  }
  s.run();
  EXPECT_EQ(peak.load(), 1);
}

TEST(Scheduler, FailureCancelsRunningJobsAndRethrows) {
  Scheduler s(4);
  std::atomic<bool> observed_stop{false}, dependent_ran{false};
  size_t slow = s.add({"slow", {}, [&](std::stop_token st) {
                         for (int i = 0; i < 5000 && !st.stop_requested(); ++i) std::this_thread::sleep_for(1ms);
                         observed_stop = st.stop_requested();
                       }});
  size_t bad = s.add({"bad", {}, [](std::stop_token) {
                        std::this_thread::sleep_for(10ms);
                        throw Error(ErrorCode::Invalid, "step failed");
                      }});
  s.add({"after", {bad}, [&](std::stop_token) { dependent_ran = true; }});
  s.add({"after-slow", {slow}, [&](std::stop_token) { dependent_ran = true; }});
  auto start = std::chrono::steady_clock::now();
  try {
    s.run();
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.message(), "step failed");
  }
  EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
  EXPECT_TRUE(observed_stop);
  EXPECT_FALSE(dependent_ran);
}

TEST(Scheduler, NoJobStartsAfterCancellation) {
  Scheduler s(1);  // one at a time: the rest are still waiting when the first fails
  std::atomic<int> started{0};
  s.add({"bad", {}, [&](std::stop_token) {
           ++started;
           throw Error(ErrorCode::Internal, "boom");
         }});
  for (int i = 0; i < 5; ++i) s.add({"other", {}, [&](std::stop_token) { ++started; }});
  EXPECT_THROW(s.run(), Error);
  EXPECT_EQ(started.load(), 1);
}

TEST(Scheduler, FirstErrorWins) {
  Scheduler s(2);
  s.add({"first", {}, [](std::stop_token) { throw Error(ErrorCode::Invalid, "first"); }});
  s.add({"second", {}, [](std::stop_token) {
           std::this_thread::sleep_for(50ms);
           throw Error(ErrorCode::Invalid, "second");
         }});
  try {
    s.run();
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.message(), "first");
  }
}

TEST(Scheduler, BadDependencyIsRefused) {
  Scheduler s;
  EXPECT_THROW(s.add({"x", {3}, [](std::stop_token) {}}), Error);
  EXPECT_GE(s.parallelism(), 1u);
}

TEST(SignalStopper, SigintCancelsTheBuild) {
  Scheduler s(2);
  SignalStopper stopper(s.stop_source());
  std::atomic<bool> observed{false};
  s.add({"long", {}, [&](std::stop_token st) {
           ::raise(SIGINT);
           for (int i = 0; i < 5000 && !st.stop_requested(); ++i) std::this_thread::sleep_for(1ms);
           observed = st.stop_requested();
         }});
  try {
    s.run();
    FAIL() << "not cancelled";
  } catch (const Error& e) {
    EXPECT_NE(e.message().find("cancelled"), std::string::npos);
  }
  EXPECT_TRUE(observed);
  EXPECT_EQ(stopper.last_signal(), SIGINT);
}

}  // namespace
}  // namespace ocbuild::solver
