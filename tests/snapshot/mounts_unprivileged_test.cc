// The cache mount and secret tests again as nobody (setpriv), without and
// with a /etc/subuid range: cache owners are then set inside a user
// namespace, and cache trees are sized and removed as container root.
#include "snapshot/nobody_rerun.h"

namespace ocbuild::snapshot::test {
namespace {

constexpr const char* kMountTests = "CacheMountsTest.*:Drivers/CacheMountRunTest.*:MaterializeSecret.*:ParseSshFlag.*";

TEST_F(RerunAsNobodyTest, CacheMountsWithoutSubuidRange) {
  NobodySubids files("");
  auto r = rerun("none", kMountTests);
  EXPECT_EQ(r.output.find("SKIPPED"), std::string::npos) << r.output;
}

TEST_F(RerunAsNobodyTest, CacheMountsWithSubuidRange) {
  if (!ocbuild::testing::have_program("newuidmap")) GTEST_SKIP() << "newuidmap (uidmap) is not installed";
  NobodySubids files("nobody:400000:65536\n");
  auto r = rerun("range", kMountTests);
  EXPECT_EQ(r.output.find("SKIPPED"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace ocbuild::snapshot::test
