#include "ocbuild/solver/scheduler.h"

#include <condition_variable>
#include <exception>
#include <mutex>

#include "ocbuild/core/error.h"

namespace ocbuild::solver {
namespace {

enum class JobState { Waiting, Running, Done, Failed };

// Shared state of one run(), guarded by mu.
struct RunState {
  std::mutex mu;
  std::condition_variable changed;
  std::vector<JobState> state;
  size_t running = 0;
  std::exception_ptr first_error;
};

bool ready(const Job& job, const std::vector<JobState>& state) {
  for (size_t d : job.deps) {
    if (state[d] != JobState::Done) return false;
  }
  return true;
}

}  // namespace

Scheduler::Scheduler(size_t jobs)
    : parallelism_(jobs ? jobs : std::max(1u, std::thread::hardware_concurrency())) {}

size_t Scheduler::add(Job job) {
  for (size_t d : job.deps) {
    if (d >= jobs_.size()) throw Error(ErrorCode::Internal, "job " + job.name + " depends on an unknown job");
  }
  jobs_.push_back(std::move(job));
  return jobs_.size() - 1;
}

void Scheduler::run() {
  RunState rs;
  rs.state.assign(jobs_.size(), JobState::Waiting);
  std::vector<std::jthread> threads;
  std::stop_token token = stop_.get_token();
  // Wake the loop when stop is requested from outside (a signal).
  std::stop_callback wake(token, [&] {
    std::lock_guard lock(rs.mu);
    rs.changed.notify_all();
  });
  std::unique_lock lock(rs.mu);
  for (;;) {
    bool stopping = token.stop_requested() || rs.first_error;
    size_t waiting = 0;
    for (size_t i = 0; i < jobs_.size() && !stopping; ++i) {
      if (rs.state[i] != JobState::Waiting) continue;
      ++waiting;
      if (rs.running >= parallelism_ || !ready(jobs_[i], rs.state)) continue;
      rs.state[i] = JobState::Running;
      ++rs.running;
      threads.emplace_back([this, i, token, &rs] {
        std::exception_ptr error;
        try {
          jobs_[i].run(token);
        } catch (...) {
          error = std::current_exception();
        }
        {
          std::lock_guard guard(rs.mu);
          rs.state[i] = error ? JobState::Failed : JobState::Done;
          --rs.running;
          if (error && !rs.first_error) rs.first_error = error;
          rs.changed.notify_all();
        }
        // Outside the lock: request_stop runs the wake callback, which locks.
        if (error) stop_.request_stop();
      });
    }
    if (rs.running == 0 && (stopping || waiting == 0)) break;
    rs.changed.wait(lock);
  }
  lock.unlock();
  threads.clear();  // joins
  if (rs.first_error) std::rethrow_exception(rs.first_error);
  if (token.stop_requested()) throw Error(ErrorCode::Internal, "build cancelled");
}

}  // namespace ocbuild::solver
