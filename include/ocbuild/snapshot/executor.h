#pragma once
// The RUN executor: runs one process in new user, mount, pid, ipc and uts
// namespaces (and net for NetworkMode::None) on a prepared root file system,
// confined by capabilities, no_new_privs and a seccomp filter, and streams its
// output. The executor is the parent of the pid namespace's init: when run()
// returns, no process of the RUN is left.
#include <atomic>
#include <optional>
#include <stop_token>
#include <string>

#include "ocbuild/core/unique_fd.h"
#include "ocbuild/snapshot/run_spec.h"

namespace ocbuild::snapshot {

class Executor {
 public:
  Executor();  // throws Error(Sys) when no eventfd can be made
  Executor(const Executor&) = delete;
  Executor& operator=(const Executor&) = delete;

  // Runs the step and waits for it. A non-zero exit is a result, not an
  // error. Throws Error(Sys, "RUN setup: <step>: ...") when the sandbox cannot
  // be set up, Error(Invalid/NotFound) for a bad spec or unknown user.
  // One run() at a time per Executor.
  RunResult run(const RunSpec& spec, std::stop_token stop = {});

  // Kills the running step's whole pid namespace (and any later run()'s).
  // Thread- and async-signal-safe.
  void cancel() noexcept;

 private:
  void warn_once(const RunSpec& spec, const std::string& message);

  UniqueFd cancel_fd_;
  std::atomic<bool> warned_single_map_{false};
};

// Runs one step with a fresh executor.
RunResult run(const RunSpec& spec);

// Why RUN cannot work on this host (no user namespaces, no overlay in one),
// or nullopt when it can. The probe runs a throwaway namespace.
std::optional<std::string> probe_userns();
std::optional<std::string> probe_overlay();

}  // namespace ocbuild::snapshot
