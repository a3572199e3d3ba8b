#pragma once
// The raw system calls of the snapshot module that glibc 2.36 does not wrap,
// in one place. All are noexcept and return -1 with errno set on failure.
#include <sys/types.h>

namespace ocbuild::snapshot::sys {

// fork-like clone(2) with namespace flags: returns 0 in the child, which runs
// on a copy of the caller's stack.
pid_t clone_fork(unsigned long flags) noexcept;
int pivot_root(const char* new_root, const char* put_old) noexcept;
int pidfd_open(pid_t pid) noexcept;
int pidfd_send_signal(int pidfd, int sig) noexcept;
// openat2 with RESOLVE_IN_ROOT: `path` is resolved as if dirfd were "/".
int open_in_root(int dirfd, const char* path, int flags) noexcept;

}  // namespace ocbuild::snapshot::sys
