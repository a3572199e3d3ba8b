// The RUN child, between clone() and execve(): noexcept steps that return an
// errno; the first failure is sent to the parent as {step, errno, detail}.
#include <fcntl.h>
#include <linux/close_range.h>
#include <linux/limits.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "snapshot/capabilities.h"
#include "snapshot/child_plan.h"
#include "snapshot/child_report.h"
#include "snapshot/mount_steps.h"
#include "snapshot/seccomp_filter.h"

namespace ocbuild::snapshot {
namespace {

bool fail(const ChildPlan& plan, const char* step, int err, const char* detail = nullptr) noexcept {
  send_report(plan.report_fd, ReportKind::Error, step, err, detail);
  return false;
}

bool wait_for_parent(const ChildPlan& plan) noexcept {
  char byte = 0;
  ssize_t n;
  while ((n = ::read(plan.sync_fd, &byte, 1)) < 0 && errno == EINTR) {
  }
  if (n != 1) return fail(plan, "wait for id maps", n < 0 ? errno : EPIPE);
  ::close(plan.sync_fd);
  return true;
}

// The caller's thread may block or ignore signals (SIGPIPE, SIGINT in a
// worker thread, even libc's reserved 32/33); the RUN starts with none
// blocked and none ignored. The raw syscall, as glibc refuses 32 and 33.
bool reset_signals(const ChildPlan& plan) noexcept {
  struct KernelSigaction {
    void (*handler)(int);
    unsigned long flags;
    void (*restorer)();
    unsigned long mask;
  } dfl{SIG_DFL, 0, nullptr, 0};
  for (int sig = 1; sig < NSIG; ++sig) {
    if (sig == SIGKILL || sig == SIGSTOP) continue;
    ::syscall(SYS_rt_sigaction, sig, &dfl, nullptr, sizeof dfl.mask);
  }
  unsigned long none = 0;
  if (::syscall(SYS_rt_sigprocmask, SIG_SETMASK, &none, nullptr, sizeof none) != 0)
    return fail(plan, "reset signal mask", errno);
  return true;
}

bool setup_stdio(const ChildPlan& plan) noexcept {
  int null_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (null_fd < 0) return fail(plan, "open /dev/null", errno);
  if (::dup2(null_fd, 0) < 0 || ::dup2(plan.stdout_fd, 1) < 0 || ::dup2(plan.stderr_fd, 2) < 0)
    return fail(plan, "dup2 stdio", errno);
  // Nothing else of the parent's leaks into the RUN.
  if (::syscall(SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC) != 0)
    return fail(plan, "close_range", errno);
  return true;
}

bool setup_mounts(ChildPlan& plan) noexcept {
  if (int rc = mount_root(plan)) return fail(plan, "mount root file system", rc, plan.root_mount);
  for (size_t i = 0; i < plan.step_count; ++i) {
    MountStep& s = plan.steps[i];
    if (int rc = make_detached(s)) {
      if (!s.optional) return fail(plan, "prepare mount", rc, s.target);
      send_report(plan.report_fd, ReportKind::Warning, s.target, rc, s.skip_reason);
    }
  }
  if (int rc = pivot_into_root(plan)) return fail(plan, "pivot_root", rc, plan.root_mount);
  for (size_t i = 0; i < plan.step_count; ++i) {
    MountStep& s = plan.steps[i];
    if (s.kind != StepKind::Symlink && s.fd < 0) continue;  // optional, skipped
    if (int rc = attach(s, plan.report_fd)) return fail(plan, "mount", rc, s.target);
  }
  return true;
}

bool setup_identity(const ChildPlan& plan) noexcept {
  if (plan.hostname && ::sethostname(plan.hostname, ::strlen(plan.hostname)) != 0)
    return fail(plan, "sethostname", errno, plan.hostname);
  if (plan.loopback_up) {
    if (int rc = bring_loopback_up()) return fail(plan, "bring up lo", rc);
  }
  if (int rc = make_dirs_in_root(plan.cwd)) return fail(plan, "create working directory", rc, plan.cwd);
  if (int rc = drop_bounding_set(plan)) return fail(plan, "drop capabilities", rc);
  if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return fail(plan, "no_new_privs", errno);
  if (int rc = switch_user(plan)) return fail(plan, "switch user", rc);
  if (int rc = set_capabilities(plan)) return fail(plan, "set capabilities", rc);
  if (::chdir(plan.cwd) != 0) return fail(plan, "chdir", errno, plan.cwd);
  return true;
}

// execvpe() looks at the parent's PATH, not the RUN's: search by hand.
void exec_command(const ChildPlan& plan) noexcept {
  const char* file = plan.argv[0];
  if (::strchr(file, '/')) {
    ::execve(file, plan.argv, plan.envp);
    fail(plan, "exec", errno, file);
    return;
  }
  int first_err = ENOENT;
  char buf[PATH_MAX];
  for (size_t i = 0; i < plan.path_dir_count; ++i) {
    size_t dl = ::strlen(plan.path_dirs[i]), fl = ::strlen(file);
    if (dl + fl + 2 > sizeof buf) continue;
    ::memcpy(buf, plan.path_dirs[i], dl);
    buf[dl] = '/';
    ::memcpy(buf + dl + 1, file, fl + 1);
    ::execve(buf, plan.argv, plan.envp);
    if (errno != ENOENT && errno != ENOTDIR && first_err == ENOENT) first_err = errno;
  }
  fail(plan, "exec", first_err, file);
}

}  // namespace

void child_main(ChildPlan& plan) noexcept {
  // The build dies: the RUN dies with it (and the pid namespace with it).
  ::prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
  ::umask(022);
  if (!wait_for_parent(plan) || !reset_signals(plan) || !setup_stdio(plan) || !setup_mounts(plan) || !setup_identity(plan))
    return;
  if (int rc = load_seccomp_filter(plan.seccomp)) {
    fail(plan, "seccomp", rc);
    return;
  }
  exec_command(plan);
}

}  // namespace ocbuild::snapshot
