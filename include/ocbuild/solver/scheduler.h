#pragma once
// The scheduler runs a DAG of jobs (the stages of a build): each job starts
// when all its dependencies are done, at most `jobs` at a time. The first
// failure requests stop on the build's stop_source (running jobs observe the
// stop_token they are given), no further job starts, and run() rethrows that
// first error once every running job has returned.
#include <cstddef>
#include <functional>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

#include "ocbuild/core/unique_fd.h"

namespace ocbuild::solver {

struct Job {
  std::string name;
  std::vector<size_t> deps;  // indexes of earlier-added jobs
  std::function<void(std::stop_token)> run;
};

class Scheduler {
 public:
  // jobs == 0: the number of cores.
  explicit Scheduler(size_t jobs = 0);
  // Returns the job's index. Throws Error(Internal) for a bad dependency.
  size_t add(Job job);
  // Runs every job. Throws the first job's error; throws Error(Internal)
  // "build cancelled" when stopped from outside with no job failing.
  // Not reentrant: call once.
  void run();
  // The build's stop source: request_stop() cancels the build.
  std::stop_source& stop_source() { return stop_; }
  size_t parallelism() const { return parallelism_; }

 private:
  size_t parallelism_;
  std::vector<Job> jobs_;
  std::stop_source stop_;
};

// While alive, SIGINT and SIGTERM request stop on `source` (through a
// self-pipe and a watcher thread: nothing unsafe runs in the handler). The
// previous handlers are restored on destruction. One at a time per process.
class SignalStopper {
 public:
  explicit SignalStopper(std::stop_source source);
  ~SignalStopper();
  SignalStopper(const SignalStopper&) = delete;
  SignalStopper& operator=(const SignalStopper&) = delete;
  int last_signal() const;  // 0 when none arrived

 private:
  UniqueFd read_end_;
  UniqueFd write_end_;
  std::thread watcher_;
};

}  // namespace ocbuild::solver
