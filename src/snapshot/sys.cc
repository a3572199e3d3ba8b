#include "snapshot/sys.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>

namespace ocbuild::snapshot::sys {

pid_t clone_fork(unsigned long flags) noexcept {
  // x86_64 and aarch64 agree on (flags, stack, parent_tid, child_tid, tls).
  return static_cast<pid_t>(::syscall(SYS_clone, flags | SIGCHLD, nullptr, nullptr, nullptr, 0));
}

int pivot_root(const char* new_root, const char* put_old) noexcept {
  return static_cast<int>(::syscall(SYS_pivot_root, new_root, put_old));
}

int pidfd_open(pid_t pid) noexcept { return static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)); }

int pidfd_send_signal(int pidfd, int sig) noexcept {
  return static_cast<int>(::syscall(SYS_pidfd_send_signal, pidfd, sig, nullptr, 0));
}

int open_in_root(int dirfd, const char* path, int flags) noexcept {
  struct open_how how {};
  how.flags = static_cast<unsigned long long>(flags) | O_CLOEXEC;
  how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
  for (;;) {
    long fd = ::syscall(SYS_openat2, dirfd, path, &how, sizeof how);
    if (fd < 0 && errno == EAGAIN) continue;
    return static_cast<int>(fd);
  }
}

}  // namespace ocbuild::snapshot::sys
