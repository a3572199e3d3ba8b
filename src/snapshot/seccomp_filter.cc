#include "snapshot/seccomp_filter.h"

#include <linux/seccomp.h>
#include <sched.h>
#include <seccomp.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <cerrno>
#include <memory>

#include "ocbuild/core/error.h"
#include "ocbuild/core/unique_fd.h"

namespace ocbuild::snapshot {
namespace {

struct CtxDeleter {
  void operator()(void* ctx) const { seccomp_release(ctx); }
};
using Ctx = std::unique_ptr<void, CtxDeleter>;

constexpr const char* kDenied[] = {
    "init_module", "finit_module", "delete_module", "create_module", "kexec_load", "kexec_file_load",
    "reboot", "swapon", "swapoff", "keyctl", "add_key", "request_key", "bpf", "perf_event_open",
    "ptrace", "process_vm_readv", "process_vm_writev", "kcmp", "mount", "umount", "umount2",
    "pivot_root", "unshare", "setns", "open_tree", "move_mount", "fsopen", "fsconfig", "fsmount",
    "fspick", "mount_setattr", "acct", "settimeofday", "clock_settime", "clock_adjtime", "adjtimex",
    "stime", "iopl", "ioperm", "lookup_dcookie", "quotactl", "quotactl_fd", "userfaultfd",
    "nfsservctl", "vhangup", "syslog", "uselib", "get_kernel_syms", "query_module", "_sysctl",
    "name_to_handle_at", "open_by_handle_at", "io_uring_setup", "io_uring_enter",
    "io_uring_register", "fanotify_init"};

constexpr unsigned long kNamespaceFlags[] = {CLONE_NEWUSER, CLONE_NEWNS,  CLONE_NEWPID, CLONE_NEWNET,
                                             CLONE_NEWUTS,  CLONE_NEWIPC, CLONE_NEWCGROUP};

void check(int rc, const char* what) {
  if (rc < 0) throw Error::sys(std::string("seccomp: ") + what, -rc);
}

}  // namespace

std::vector<sock_filter> build_seccomp_filter() {
  Ctx ctx(seccomp_init(SCMP_ACT_ALLOW));
  if (!ctx) throw Error(ErrorCode::Sys, "seccomp: seccomp_init failed");
  // The same rules for the compat ABIs (i386 images on amd64), as Docker
  // does; otherwise their syscalls would bypass or trip the filter.
#if defined(__x86_64__)
  for (uint32_t arch : {SCMP_ARCH_X86, SCMP_ARCH_X32}) check(seccomp_arch_add(ctx.get(), arch), "arch_add");
#elif defined(__aarch64__)
  check(seccomp_arch_add(ctx.get(), SCMP_ARCH_ARM), "arch_add");
#endif
  for (const char* name : kDenied) {
    int nr = seccomp_syscall_resolve_name(name);
    if (nr == __NR_SCMP_ERROR) continue;  // not on this architecture
    check(seccomp_rule_add(ctx.get(), SCMP_ACT_ERRNO(EPERM), nr, 0), name);
  }
  for (unsigned long flag : kNamespaceFlags)
    check(seccomp_rule_add(ctx.get(), SCMP_ACT_ERRNO(EPERM), SCMP_SYS(clone), 1,
                           SCMP_A0(SCMP_CMP_MASKED_EQ, flag, flag)),
          "clone");
  // clone3 passes flags in memory a filter cannot read: ENOSYS makes libc
  // fall back to clone(2), which the rules above check (as Docker does).
  check(seccomp_rule_add(ctx.get(), SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0), "clone3");
  // Only the filter itself, no_new_privs is set by the child.
  check(seccomp_attr_set(ctx.get(), SCMP_FLTATR_CTL_NNP, 0), "nnp attr");
  UniqueFd mem(::memfd_create("ocbuild-seccomp", MFD_CLOEXEC));
  if (!mem) throw Error::sys("seccomp: memfd_create", errno);
  check(seccomp_export_bpf(ctx.get(), mem.get()), "export");
  off_t size = ::lseek(mem.get(), 0, SEEK_END);
  if (size <= 0 || size % sizeof(sock_filter) != 0)
    throw Error(ErrorCode::Internal, "seccomp: exported filter has a bad size");
  std::vector<sock_filter> prog(static_cast<size_t>(size) / sizeof(sock_filter));
  if (::pread(mem.get(), prog.data(), static_cast<size_t>(size), 0) != size)
    throw Error::sys("seccomp: read filter", errno);
  return prog;
}

const std::vector<sock_filter>& seccomp_program() {
  static const std::vector<sock_filter> program = build_seccomp_filter();
  return program;
}

int load_seccomp_filter(const sock_fprog& prog) noexcept {
  if (::prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0) != 0) return errno;
  return 0;
}

}  // namespace ocbuild::snapshot
