#pragma once
// Shared by the `ocbuild build` end-to-end tests: one temp store per test
// suite holding busybox:latest (tests/make-busybox-image.sh), the real binary
// run against it, and the built image read back (config from the store, the
// root file system unpacked with umoci).
#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>

#include "ocbuild/core/content_store.h"
#include "ocbuild/core/image.h"
#include "ocbuild/core/image_lookup.h"
#include "ocbuild/core/temp_dir.h"
#include "support/test_env.h"

namespace ocbuild::e2e {

class BuildSuite : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    tmp_ = std::make_unique<TempDir>("ocbuild-build-e2e-");
    skip_reason_.reset();
    auto userns = testing::run_command("unshare -Ur true 2>&1");
    if (userns.status != 0) {
      skip_reason_ = "no user namespaces here (RUN needs them): " + userns.output;
      return;
    }
    if (!testing::have_program("umoci")) {
      skip_reason_ = "umoci is not installed (used to unpack built images)";
      return;
    }
    auto r = testing::run_command("OCBUILD_ROOT=" + store() + " bash " + testing::source_dir() +
                                  "/tests/make-busybox-image.sh " + testing::ocbuild_binary() +
                                  " busybox:latest 2>&1");
    if (r.status != 0) skip_reason_ = "cannot make busybox:latest: " + r.output;
  }
  static void TearDownTestSuite() { tmp_.reset(); }
  void SetUp() override {
    if (skip_reason_) GTEST_SKIP() << *skip_reason_;
  }

  static std::string store() { return tmp_->path() + "/store"; }
  static std::string scratch(const std::string& name) { return tmp_->path() + "/" + name; }

  // `ocbuild --root STORE ARGS`, stdout and stderr together.
  static testing::CommandResult ocb(const std::string& args) {
    return testing::run_command(testing::ocbuild_binary() + " --root " + store() + " " + args + " 2>&1");
  }
  // The image digest a build printed last ("sha256:..." on its own line).
  static std::string printed_digest(const std::string& output) {
    auto pos = output.rfind("\nsha256:");
    if (pos == std::string::npos) return "";
    auto end = output.find('\n', pos + 1);
    return output.substr(pos + 1, end == std::string::npos ? std::string::npos : end - pos - 1);
  }
  static std::optional<StoredImage> image(const std::string& ref) {
    ContentStore s(store());
    auto found = resolve_image(s, parse_image_ref(ref));
    if (!found) return std::nullopt;
    return read_image(s, select_manifest(s, *found));
  }
  // Unpacks a tagged image's layers with umoci (raw: no runtime config,
  // which would need the image's USER in its /etc/passwd); returns the path.
  static std::string unpack(const std::string& ref) {
    std::string rootfs = scratch("rootfs-" + std::to_string(++unpacked_));
    auto r = testing::run_command("umoci raw unpack --image " + store() + ":" + ref + " " + rootfs + " 2>&1");
    EXPECT_EQ(r.status, 0) << r.output;
    return rootfs;
  }

 private:
  static inline std::unique_ptr<TempDir> tmp_;
  static inline std::optional<std::string> skip_reason_;
  static inline int unpacked_ = 0;
};

}  // namespace ocbuild::e2e
