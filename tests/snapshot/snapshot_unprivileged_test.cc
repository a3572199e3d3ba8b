// The snapshot store tests again as nobody (setpriv), without and with a
// /etc/subuid range: the diff, the layer write and the unpack then run in a
// user namespace, so owners in the layers are the container's.
#include <unistd.h>

#include <filesystem>

#include "ocbuild/core/atomic_file.h"
#include "snapshot/run_fixture.h"
#include "support/test_env.h"

namespace ocbuild::snapshot::test {
namespace {

// Replaces nobody's lines in /etc/subuid and /etc/subgid for the test's
// lifetime (a copy of unprivileged_test.cc's helper).
class NobodySubids {
 public:
  explicit NobodySubids(const std::string& extra) {
    for (const char* path : {"/etc/subuid", "/etc/subgid"}) {
      std::string old = std::filesystem::exists(path) ? read_file(path) : std::string();
      saved_.emplace_back(path, old);
      std::string kept, line;
      for (char c : old) {
        line += c;
        if (c != '\n') continue;
        if (line.rfind("nobody:", 0) != 0 && line.rfind("65534:", 0) != 0) kept += line;
        line.clear();
      }
      write_file_atomic(path, kept + line + extra);
    }
  }
  ~NobodySubids() {
    for (auto& [path, text] : saved_) {
      try {
        write_file_atomic(path, text);
      } catch (...) {
        ADD_FAILURE() << "could not restore " << path;
      }
    }
  }

 private:
  std::vector<std::pair<std::string, std::string>> saved_;
};

class SnapshotUnprivilegedTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root to run the tests as nobody (already unprivileged)";
    if (!subuid_mode().empty()) GTEST_SKIP() << "already the unprivileged run";
    if (!ocbuild::testing::have_program("setpriv")) GTEST_SKIP() << "setpriv (util-linux) is not installed";
  }

  void run_as_nobody(const std::string& mode) {
    std::string self = std::filesystem::read_symlink("/proc/self/exe");
    auto r = ocbuild::testing::run_command(
        "cd / && setpriv --reuid=65534 --regid=65534 --clear-groups env OCBUILD_TEST_SUBUID=" + mode +
        " TMPDIR=/tmp '" + self + "' --gtest_filter='Drivers/SnapshotTest.*:DriverParityTest.*' 2>&1");
    EXPECT_EQ(r.status, 0) << r.output;
    EXPECT_NE(r.output.find("PASSED"), std::string::npos) << r.output;
    // Only the USER app tests (one per driver) skip, and only without a range.
    if (mode == "none") EXPECT_NE(r.output.find("[  SKIPPED ] 2 tests"), std::string::npos) << r.output;
    else EXPECT_EQ(r.output.find("SKIPPED"), std::string::npos) << r.output;
  }
};

TEST_F(SnapshotUnprivilegedTest, WithoutSubuidRange) {
  NobodySubids files("");
  run_as_nobody("none");
}

TEST_F(SnapshotUnprivilegedTest, WithSubuidRange) {
  if (!ocbuild::testing::have_program("newuidmap")) GTEST_SKIP() << "newuidmap (uidmap) is not installed";
  NobodySubids files("nobody:400000:65536\n");
  run_as_nobody("range");
}

}  // namespace
}  // namespace ocbuild::snapshot::test
