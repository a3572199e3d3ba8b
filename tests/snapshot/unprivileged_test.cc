// Runs the RUN tests again as an unprivileged user (nobody, via setpriv),
// once without and once with a /etc/subuid range for it. Needs root to drop
// privileges and to edit /etc/subuid (restored afterwards).
#include <unistd.h>

#include <filesystem>

#include "ocbuild/core/atomic_file.h"
#include "snapshot/run_fixture.h"
#include "support/test_env.h"

namespace ocbuild::snapshot::test {
namespace {

// Replaces /etc/subuid and /etc/subgid for the test's lifetime.
class SubidFiles {
 public:
  explicit SubidFiles(const std::string& extra) {
    for (const char* path : {"/etc/subuid", "/etc/subgid"}) {
      std::string old = std::filesystem::exists(path) ? read_file(path) : std::string();
      saved_.emplace_back(path, old);
      write_file_atomic(path, without_nobody(old) + extra);
    }
  }
  ~SubidFiles() {
    for (auto& [path, text] : saved_) {
      try {
        write_file_atomic(path, text);
      } catch (...) {
        ADD_FAILURE() << "could not restore " << path;
      }
    }
  }

 private:
  static std::string without_nobody(const std::string& text) {
    std::string out, line;
    for (char c : text) {
      line += c;
      if (c != '\n') continue;
      if (line.rfind("nobody:", 0) != 0 && line.rfind("65534:", 0) != 0) out += line;
      line.clear();
    }
    return out + line;
  }
  std::vector<std::pair<std::string, std::string>> saved_;
};

class UnprivilegedTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root to run the tests as nobody (already unprivileged)";
    if (!subuid_mode().empty()) GTEST_SKIP() << "already the unprivileged run";
    if (!ocbuild::testing::have_program("setpriv")) GTEST_SKIP() << "setpriv (util-linux) is not installed";
  }

  // Re-runs this binary's RUN tests as nobody; returns its output.
  void run_as_nobody(const std::string& mode) {
    std::string self = std::filesystem::read_symlink("/proc/self/exe");
    auto r = ocbuild::testing::run_command(
        "cd / && setpriv --reuid=65534 --regid=65534 --clear-groups env OCBUILD_TEST_SUBUID=" + mode +
        " TMPDIR=/tmp '" + self + "' --gtest_filter='RunTest.*:OverlayTest.*' --gtest_brief=1");
    EXPECT_EQ(r.status, 0) << r.output;
    EXPECT_EQ(r.output.find("SKIPPED"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("PASSED"), std::string::npos) << r.output;
  }
};

TEST_F(UnprivilegedTest, WithoutSubuidRange) {
  SubidFiles files("");
  run_as_nobody("none");
}

TEST_F(UnprivilegedTest, WithSubuidRange) {
  if (!ocbuild::testing::have_program("newuidmap")) GTEST_SKIP() << "newuidmap (uidmap) is not installed";
  SubidFiles files("nobody:400000:65536\n");
  run_as_nobody("range");
}

}  // namespace
}  // namespace ocbuild::snapshot::test
