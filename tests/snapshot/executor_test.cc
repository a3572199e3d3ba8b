// RUN basics: exit codes, output, env, working directory, user, errors.
#include <pthread.h>
#include <signal.h>
#include <sys/stat.h>

#include <filesystem>

#include "ocbuild/core/error.h"
#include "snapshot/run_fixture.h"

namespace ocbuild::snapshot::test {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST_F(RunTest, ExitCodeAndOutputLines) {
  auto r = sh("echo hello; echo world; echo oops >&2; printf 'no newline'; exit 3");
  EXPECT_EQ(r.result.exit_code, 3);
  EXPECT_FALSE(r.result.ok());
  EXPECT_THAT(r.out, ElementsAre("hello", "world", "no newline"));
  EXPECT_THAT(r.err, ElementsAre("oops"));
  EXPECT_EQ(r.result.tail.size(), 4u);
  EXPECT_EQ(sh("true").result.exit_code, 0);
}

TEST_F(RunTest, TailKeepsTheLastLines) {
  auto r = sh("i=0; while [ $i -lt 50 ]; do echo line$i; i=$((i+1)); done", [](RunSpec& s) { s.tail_lines = 3; });
  EXPECT_EQ(r.out.size(), 50u);
  EXPECT_THAT(r.result.tail, ElementsAre("line47", "line48", "line49"));
}

TEST_F(RunTest, TheCommandIsPid1LikeInDocker) {
  // Init of a pid namespace ignores SIGKILL from inside; a child shell dies.
  auto r = sh("echo $$; kill -9 $$; echo still-here; sh -c 'kill -9 $$'; exit $?");
  EXPECT_THAT(r.out, ElementsAre("1", "still-here"));
  EXPECT_EQ(r.result.exit_code, 137);
  EXPECT_EQ(r.result.signal, 0);
}

TEST_F(RunTest, EnvironmentAndDefaults) {
  auto r = sh("echo \"$FOO|$PATH|$HOME\"", [](RunSpec& s) { s.env = {"FOO=bar baz"}; });
  EXPECT_THAT(r.out, ElementsAre("bar baz|/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin|/root"));
  auto p = sh("echo $PATH", [](RunSpec& s) { s.env = {"PATH=/bin"}; });
  EXPECT_THAT(p.out, ElementsAre("/bin"));
}

TEST_F(RunTest, ExecFormLooksUpArgv0OnTheRunsPath) {
  RunSpec s = spec("");
  s.argv = {"echo", "exec", "form"};
  auto r = record(s);
  EXPECT_THAT(r.out, ElementsAre("exec form"));
  s.argv = {"no-such-program"};
  try {
    record(s);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::Sys);
    EXPECT_THAT(e.what(), HasSubstr("RUN setup: exec: No such file or directory (no-such-program)"));
  }
}

TEST_F(RunTest, WorkingDirectoryIsCreated) {
  auto r = sh("pwd", [](RunSpec& s) { s.cwd = "/app/src/deep"; });
  EXPECT_THAT(r.out, ElementsAre("/app/src/deep"));
  EXPECT_TRUE(std::filesystem::is_directory(rootfs_ + "/app/src/deep"));
}

TEST_F(RunTest, RootByDefaultWithDockersCapabilities) {
  auto r = sh("id -u; id -g; grep -E '^(CapEff|CapBnd|NoNewPrivs|Seccomp):' /proc/self/status");
  EXPECT_THAT(r.out, ElementsAre("0", "0", "CapEff:\t00000000a80425fb", "CapBnd:\t00000000a80425fb",
                                 "NoNewPrivs:\t1", "Seccomp:\t2"));
}

TEST_F(RunTest, UserAppFromPasswd) {
  if (!many_ids_mapped()) {
    try {
      sh("id -u", [](RunSpec& s) { s.user = "app"; });
      FAIL() << "uid 1000 cannot be mapped without a subuid range";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::Invalid);
      EXPECT_THAT(e.what(), HasSubstr("uid 1000 is not mapped"));
      EXPECT_THAT(e.what(), HasSubstr("/etc/subuid"));
    }
    return;
  }
  auto r = sh("id -u; id -g; id -G; echo $HOME; grep CapEff /proc/self/status",
              [](RunSpec& s) { s.user = "app"; });
  EXPECT_THAT(r.out, ElementsAre("1000", "1000", "1000 100", "/home/app", "CapEff:\t0000000000000000"));
  auto g = sh("id -u; id -g; id -G", [](RunSpec& s) { s.user = "1000:users"; });
  EXPECT_THAT(g.out, ElementsAre("1000", "100", "100"));
  auto n = sh("id -u; id -g", [](RunSpec& s) { s.user = "4242"; });
  EXPECT_THAT(n.out, ElementsAre("4242", "0"));
}

TEST_F(RunTest, StdinIsDevNullAndSignalsAreReset) {
  // The test thread ignores SIGPIPE and blocks SIGUSR1; the RUN must not.
  struct sigaction ign {};
  ign.sa_handler = SIG_IGN;
  struct sigaction old {};
  ::sigaction(SIGPIPE, &ign, &old);
  sigset_t usr1, old_mask;
  sigemptyset(&usr1);
  sigaddset(&usr1, SIGUSR1);
  ::pthread_sigmask(SIG_BLOCK, &usr1, &old_mask);
  auto r = sh("cat; echo stdin-done");
  RunSpec exec_form = spec("");
  exec_form.argv = {"grep", "-E", "^(SigBlk|SigIgn):", "/proc/self/status"};
  auto g = record(exec_form);
  ::pthread_sigmask(SIG_SETMASK, &old_mask, nullptr);
  ::sigaction(SIGPIPE, &old, nullptr);
  EXPECT_THAT(r.out, ElementsAre("stdin-done"));
  EXPECT_THAT(g.out, ElementsAre("SigBlk:\t0000000000000000", "SigIgn:\t0000000000000000"));
}

TEST_F(RunTest, SetupFailureNamesTheStep) {
  try {
    sh("true", [](RunSpec& s) { s.cwd = "/etc/passwd/sub"; });
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::Sys);
    EXPECT_THAT(e.what(), HasSubstr("RUN setup: create working directory: Not a directory (/etc/passwd/sub)"));
  }
}

TEST_F(RunTest, UnknownUserIsNotFound) {
  try {
    sh("true", [](RunSpec& s) { s.user = "ghost"; });
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::NotFound);
    EXPECT_THAT(e.what(), HasSubstr("unable to find user ghost"));
  }
}

TEST_F(RunTest, HostnameAndGeneratedEtcFiles) {
  auto r = sh("hostname; cat /etc/hostname; grep -c localhost /etc/hosts; grep -c nameserver /etc/resolv.conf");
  ASSERT_EQ(r.out.size(), 4u);
  EXPECT_EQ(r.out[0], "buildkitsandbox");
  EXPECT_EQ(r.out[1], "buildkitsandbox");
  EXPECT_EQ(r.out[2], "2");
  EXPECT_NE(r.out[3], "0");
  // The stubs under the bind mounts stay empty and are reported.
  struct stat st {};
  ASSERT_EQ(::stat((rootfs_ + "/etc/hosts").c_str(), &st), 0);
  EXPECT_EQ(st.st_size, 0);
  EXPECT_THAT(r.result.created_paths, ::testing::IsSupersetOf({"/proc", "/dev", "/sys", "/etc/hosts",
                                                               "/etc/resolv.conf", "/etc/hostname"}));
  // Second run: the stubs exist now, nothing is created.
  EXPECT_TRUE(sh("true").result.created_paths.empty());
}

TEST_F(RunTest, MinimalDev) {
  auto r = sh("ls /dev | sort | tr '\\n' ' '; echo; echo x > /dev/null && head -c 4 /dev/zero | wc -c; "
              "echo x > /dev/shm/f && cat /dev/shm/f");
  ASSERT_EQ(r.out.size(), 3u) << ::testing::PrintToString(r.out) << ::testing::PrintToString(r.err);
  for (const char* dev : {"full", "null", "pts", "ptmx", "random", "shm", "urandom", "zero", "fd"})
    EXPECT_THAT(r.out[0], HasSubstr(dev));
  EXPECT_EQ(r.out[1], "4");
  EXPECT_EQ(r.out[2], "x");
}

}  // namespace
}  // namespace ocbuild::snapshot::test

namespace ocbuild::snapshot::test {
namespace {

TEST_F(RunTest, WarnsOnceAboutASingleMapping) {
  Executor executor;
  auto a = record(spec("true"), &executor);
  auto b = record(spec("true"), &executor);
  size_t warned = 0;
  for (auto* r : {&a, &b})
    for (auto& w : r->warnings) warned += w.find("only one uid/gid is mapped") != std::string::npos;
  EXPECT_EQ(warned, many_ids_mapped() ? 0u : 1u);
}

}  // namespace
}  // namespace ocbuild::snapshot::test
