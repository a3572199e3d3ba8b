#pragma once
// Re-running a test binary's tests as nobody (setpriv), with /etc/subuid and
// /etc/subgid set for the run: without a range for nobody, or with one.
// Needs root to drop privileges and to edit those files (restored after).
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "ocbuild/core/atomic_file.h"
#include "ocbuild/core/file_lock.h"
#include "snapshot/run_fixture.h"
#include "support/test_env.h"

namespace ocbuild::snapshot::test {

// Replaces nobody's lines in /etc/subuid and /etc/subgid with `extra` for
// the object's lifetime. Holds a lock meanwhile: ctest runs tests in
// parallel processes, and two of these must not edit the files at once.
class NobodySubids {
 public:
  explicit NobodySubids(const std::string& extra) : lock_("/tmp/ocbuild-test-subids.lock") {
    for (const char* path : {"/etc/subuid", "/etc/subgid"}) {
      std::string old = std::filesystem::exists(path) ? read_file(path) : std::string();
      saved_.emplace_back(path, old);
      write_file_atomic(path, without_nobody(old) + extra);
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
  NobodySubids(const NobodySubids&) = delete;
  NobodySubids& operator=(const NobodySubids&) = delete;

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
  FileLock lock_;
  std::vector<std::pair<std::string, std::string>> saved_;
};

// A fixture whose tests re-run other tests of this binary as nobody. Skips
// when not root, when already inside the re-run, or without setpriv.
class RerunAsNobodyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root to run the tests as nobody (already unprivileged)";
    if (!subuid_mode().empty()) GTEST_SKIP() << "already the unprivileged run";
    if (!ocbuild::testing::have_program("setpriv")) GTEST_SKIP() << "setpriv (util-linux) is not installed";
  }

  // Runs this binary as nobody with OCBUILD_TEST_SUBUID=mode ("none" or
  // "range") and the given --gtest_filter; expects it to pass.
  ocbuild::testing::CommandResult rerun(const std::string& mode, const std::string& filter) {
    std::string self = std::filesystem::read_symlink("/proc/self/exe");
    auto r = ocbuild::testing::run_command(
        "cd / && setpriv --reuid=65534 --regid=65534 --clear-groups env OCBUILD_TEST_SUBUID=" + mode +
        " TMPDIR=/tmp '" + self + "' --gtest_filter='" + filter + "'");
    EXPECT_EQ(r.status, 0) << r.output;
    EXPECT_NE(r.output.find("PASSED"), std::string::npos) << r.output;
    return r;
  }
};

}  // namespace ocbuild::snapshot::test
