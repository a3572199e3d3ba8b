#include "snapshot/child_process.h"

#include <signal.h>
#include <sys/wait.h>

#include <cerrno>

#include "ocbuild/core/error.h"
#include "snapshot/sys.h"

namespace ocbuild::snapshot {

ChildProcess::ChildProcess(pid_t pid) : pid_(pid), pidfd_(sys::pidfd_open(pid)) {
  if (!pidfd_) {
    int err = errno;
    ::kill(pid_, SIGKILL);
    wait();
    throw Error::sys("RUN setup: pidfd_open (Linux 5.3 or newer is needed)", err);
  }
}

ChildProcess::~ChildProcess() {
  if (reaped_) return;
  kill();
  wait();
}

void ChildProcess::kill() noexcept {
  if (!reaped_) sys::pidfd_send_signal(pidfd_.get(), SIGKILL);
}

int ChildProcess::wait() noexcept {
  int status = 0;
  while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  reaped_ = true;
  return status;
}

}  // namespace ocbuild::snapshot
