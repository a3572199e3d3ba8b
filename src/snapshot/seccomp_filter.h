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

// Child side: PR_SET_NO_NEW_PRIVS must be set. Returns 0 or an errno.
int load_seccomp_filter(const sock_fprog& prog) noexcept;

}  // namespace ocbuild::snapshot
