// RUN confinement: seccomp, host files, network none, no process left,
// cancellation, symlinks in the image that point out of the root.
#include <dirent.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "ocbuild/core/atomic_file.h"
#include "ocbuild/core/error.h"
#include "snapshot/run_fixture.h"

namespace ocbuild::snapshot::test {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// Host processes whose command line contains `needle`.
int count_host_processes(const std::string& needle) {
  int n = 0;
  for (const auto& e : std::filesystem::directory_iterator("/proc")) {
    std::ifstream in(e.path() / "cmdline");
    std::string cmd((std::istreambuf_iterator<char>(in)), {});
    for (auto& c : cmd)
      if (c == '\0') c = ' ';
    if (cmd.find(needle) != std::string::npos) ++n;
  }
  return n;
}

TEST_F(RunTest, SeccompDeniesNamespacesAndKeyrings) {
  auto r = sh("unshare -U true; echo unshare=$?; unshare -m true; echo mount-ns=$?; "
              "mount -t tmpfs t /mnt 2>/dev/null; echo mount=$?");
  EXPECT_THAT(r.out, ElementsAre("unshare=1", "mount-ns=1", "mount=1")) << ::testing::PrintToString(r.err);
  EXPECT_FALSE(r.err.empty());
  EXPECT_THAT(r.err[0], HasSubstr("Operation not permitted"));
}

TEST_F(RunTest, CannotSeeHostFiles) {
  TempDir host("ocbuild-marker-");  // in the host's /tmp
  write_file_atomic(host.path() + "/marker", "secret");
  std::string name = std::filesystem::path(host.path()).filename();
  auto r = sh("ls /tmp | grep -c " + name + "; cat " + host.path() + "/marker 2>/dev/null || echo hidden; "
              "test -e /proc/1/root/" + host.path() + " || echo no-proc-escape");
  EXPECT_THAT(r.out, ElementsAre("0", "hidden", "no-proc-escape"));
}

TEST_F(RunTest, SymlinksInTheImageStayInsideTheRoot) {
  TempDir host("ocbuild-escape-");
  write_file_atomic(host.path() + "/secret", "secret");
  std::filesystem::create_directory_symlink("/../../../../../.." + host.path(), rootfs_ + "/mnt");
  auto r = sh("cat /mnt/secret 2>/dev/null || echo hidden");
  EXPECT_THAT(r.out, ElementsAre("hidden"));
  // A mount target through the symlink resolves inside the root, not on the host.
  RunSpec s = spec("true");
  s.mounts.push_back({MountSpec::Type::Tmpfs, "", "/mnt/data", false, ""});
  EXPECT_THROW(record(s), Error);
  EXPECT_FALSE(std::filesystem::exists(host.path() + "/data"));
}

TEST_F(RunTest, NetworkNoneHasOnlyLoopback) {
  auto r = sh("tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' '; ls /sys/class/net; ip link show lo | grep -c UP",
              [](RunSpec& s) { s.network = NetworkMode::None; });
  EXPECT_THAT(r.out, ElementsAre("lo", "lo", "1"));
  auto host = sh("tail -n +3 /proc/net/dev | wc -l");
  ASSERT_EQ(host.out.size(), 1u);
  EXPECT_GT(std::stoi(host.out[0]), 1) << "the default network is the host's";
}

TEST_F(RunTest, NoProcessLeftBehind) {
  std::string marker = "31" + std::to_string(::getpid() % 100000);
  auto r = sh("sleep " + marker + " & sleep " + marker + " >/dev/null 2>&1 & echo started");
  EXPECT_THAT(r.out, ElementsAre("started"));
  EXPECT_EQ(r.result.exit_code, 0);
  EXPECT_EQ(count_host_processes("sleep " + marker), 0);
}

TEST_F(RunTest, CancelKillsThePidNamespace) {
  std::string marker = "32" + std::to_string(::getpid() % 100000);
  std::stop_source stop;
  Executor executor;
  std::thread canceller([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    stop.request_stop();
  });
  auto start = std::chrono::steady_clock::now();
  auto r = record(spec("sleep " + marker + " & echo running; sleep " + marker), &executor, stop.get_token());
  canceller.join();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
  EXPECT_TRUE(r.result.cancelled);
  EXPECT_EQ(r.result.signal, 9);
  EXPECT_THAT(r.out, ElementsAre("running"));
  EXPECT_EQ(count_host_processes("sleep " + marker), 0);
}

TEST_F(RunTest, SysIsReadOnly) {
  auto r = sh("test -d /sys/class && echo sys; touch /sys/x 2>/dev/null || echo ro");
  EXPECT_THAT(r.out, ElementsAre("sys", "ro"));
}

}  // namespace
}  // namespace ocbuild::snapshot::test
