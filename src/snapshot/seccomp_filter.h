#pragma once
// The RUN seccomp filter, in the spirit of Docker's default profile: allow by
// default, EPERM for kernel modules, kexec, reboot, swap, keyrings, bpf,
// perf, ptrace, mounts and namespaces (the sandbox is set up by then).
// Built with libseccomp in the parent; the child only loads the BPF.
#include <linux/filter.h>

#include <vector>

namespace ocbuild::snapshot {

// Throws Error(Sys) when libseccomp fails.
std::vector<sock_filter> build_seccomp_filter();
// build_seccomp_filter() once per process (thread-safe); the program is
// immutable, so every RUN shares it.
const std::vector<sock_filter>& seccomp_program();

// Child side: PR_SET_NO_NEW_PRIVS must be set. Returns 0 or an errno.
int load_seccomp_filter(const sock_fprog& prog) noexcept;

}  // namespace ocbuild::snapshot
