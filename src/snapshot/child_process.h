#pragma once
// Owns the RUN's pid-namespace init from the parent: a pidfd to signal it
// without pid reuse races; the destructor SIGKILLs it (taking the whole pid
// namespace down) and reaps it unless wait() already did.
#include <sys/types.h>

#include "ocbuild/core/unique_fd.h"

namespace ocbuild::snapshot {

class ChildProcess {
 public:
  explicit ChildProcess(pid_t pid);  // throws Error(Sys) without pidfd support
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  int pidfd() const { return pidfd_.get(); }
  void kill() noexcept;
  // Blocks until it exits; returns the waitpid status.
  int wait() noexcept;

 private:
  pid_t pid_;
  UniqueFd pidfd_;
  bool reaped_ = false;
};

}  // namespace ocbuild::snapshot
