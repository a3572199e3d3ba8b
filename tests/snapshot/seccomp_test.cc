// The seccomp filter, checked syscall by syscall with a tiny static program
// compiled into the busybox rootfs (busybox has no keyctl, bpf, ...).
#include <filesystem>

#include "ocbuild/core/atomic_file.h"
#include "snapshot/run_fixture.h"
#include "support/test_env.h"

namespace ocbuild::snapshot::test {
namespace {

using ::testing::ElementsAre;

// Prints "<name> <errno>" for each call; 0 when it was allowed.
constexpr const char* kProbeSource = R"(
#define _GNU_SOURCE
#include <errno.h>
#include <linux/sched.h>
#include <sched.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>
static void probe(const char* name, long rc) { printf("%s %d\n", name, rc < 0 ? errno : 0); }
int main(void) {
  probe("keyctl", syscall(SYS_keyctl, 0 /* KEYCTL_GET_KEYRING_ID */, -1, 0));
  probe("add_key", syscall(SYS_add_key, "user", "k", "v", 1, -1));
  probe("request_key", syscall(SYS_request_key, "user", "k", 0, 0));
  probe("bpf", syscall(SYS_bpf, 0, 0, 0));
  probe("perf_event_open", syscall(SYS_perf_event_open, 0, 0, -1, -1, 0));
  probe("ptrace", syscall(SYS_ptrace, 0 /* TRACEME */, 0, 0, 0));
  probe("init_module", syscall(SYS_init_module, 0, 0, ""));
  probe("kexec_load", syscall(SYS_kexec_load, 0, 0, 0, 0));
  probe("reboot", syscall(SYS_reboot, 0, 0, 0, 0));
  probe("swapon", syscall(SYS_swapon, "/x", 0));
  probe("unshare", syscall(SYS_unshare, CLONE_NEWUSER));
  probe("setns", syscall(SYS_setns, 0, 0));
  probe("clone_newuser", syscall(SYS_clone, CLONE_NEWUSER | 17 /* SIGCHLD */, 0, 0, 0, 0));
  probe("clone3", syscall(SYS_clone3, 0, 0));
  probe("getpid", syscall(SYS_getpid) == 1 ? 0 : -1);
  return 0;
}
)";

TEST_F(RunTest, SeccompDeniesDangerousSyscallsWithEperm) {
  if (!ocbuild::testing::have_program("cc")) GTEST_SKIP() << "no C compiler to build the probe";
  std::string src = tmp_->path() + "/probe.c";
  write_file_atomic(src, kProbeSource);
  auto cc = ocbuild::testing::run_command("cc -static -O1 -o '" + rootfs_ + "/bin/scprobe' '" + src + "'");
  if (cc.status != 0) GTEST_SKIP() << "cannot link a static program (libc6-dev): " << cc.output;
  RunSpec s = spec("");
  s.argv = {"/bin/scprobe"};
  auto r = record(s);
  EXPECT_THAT(r.out, ElementsAre("keyctl 1", "add_key 1", "request_key 1", "bpf 1", "perf_event_open 1",
                                 "ptrace 1", "init_module 1", "kexec_load 1", "reboot 1", "swapon 1",
                                 "unshare 1", "setns 1", "clone_newuser 1", "clone3 38", "getpid 0"));
}

}  // namespace
}  // namespace ocbuild::snapshot::test
