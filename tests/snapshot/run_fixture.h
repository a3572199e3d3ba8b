#pragma once
// Shared fixture of the RUN tests: a busybox rootfs in a temp dir, a probe
// that skips without user namespaces, and a helper that runs a shell command
// and records its output. OCBUILD_TEST_SUBUID ("none" or "range") is set when
// unprivileged_test.cc re-runs these tests as nobody.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <functional>
#include <string>
#include <vector>

#include "ocbuild/core/temp_dir.h"
#include "ocbuild/snapshot/executor.h"
#include "support/busybox_rootfs.h"

namespace ocbuild::snapshot::test {

struct Recorded {
  RunResult result;
  std::vector<std::string> out, err, warnings;
};

inline std::string subuid_mode() {
  const char* v = std::getenv("OCBUILD_TEST_SUBUID");
  return v ? v : "";
}

// True when uids other than the caller's are mapped (root, or a subuid range).
inline bool many_ids_mapped() { return subuid_mode() != "none"; }

class RunTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (auto why = probe_userns()) GTEST_SKIP() << why->c_str();
    auto busybox = ocbuild::testing::static_busybox();
    if (!busybox) GTEST_SKIP() << "busybox-static is not installed";
    tmp_ = std::make_unique<TempDir>("ocbuild-runtest-");
    rootfs_ = tmp_->path() + "/rootfs";
    ocbuild::testing::make_busybox_rootfs(rootfs_, *busybox);
  }

  RunSpec spec(const std::string& command) const {
    RunSpec s;
    s.root = PlainRoot{rootfs_};
    s.argv = shell_argv({}, command);
    return s;
  }

  static Recorded record(RunSpec s, Executor* executor = nullptr, std::stop_token stop = {}) {
    Recorded r;
    s.on_output = [&](std::string_view line, bool is_stderr) {
      (is_stderr ? r.err : r.out).emplace_back(line);
    };
    s.on_warning = [&](std::string_view w) { r.warnings.emplace_back(w); };
    Executor local;
    r.result = (executor ? *executor : local).run(s, stop);
    return r;
  }

  Recorded sh(const std::string& command, const std::function<void(RunSpec&)>& edit = {}) const {
    RunSpec s = spec(command);
    if (edit) edit(s);
    return record(std::move(s));
  }

  std::unique_ptr<TempDir> tmp_;
  std::string rootfs_;
};

}  // namespace ocbuild::snapshot::test
