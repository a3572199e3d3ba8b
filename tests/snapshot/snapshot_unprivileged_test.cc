// The snapshot store tests again as nobody (setpriv), without and with a
// /etc/subuid range: the diff, the layer write and the unpack then run in a
// user namespace, so owners in the layers are the container's.
#include "snapshot/nobody_rerun.h"

namespace ocbuild::snapshot::test {
namespace {

constexpr const char* kSnapshotTests = "Drivers/SnapshotTest.*:DriverParityTest.*";

TEST_F(RerunAsNobodyTest, SnapshotsWithoutSubuidRange) {
  NobodySubids files("");
  auto r = rerun("none", kSnapshotTests);
  // Only the USER app tests (one per driver) skip: one uid cannot map 1000.
  EXPECT_NE(r.output.find("[  SKIPPED ] 2 tests"), std::string::npos) << r.output;
}

TEST_F(RerunAsNobodyTest, SnapshotsWithSubuidRange) {
  if (!ocbuild::testing::have_program("newuidmap")) GTEST_SKIP() << "newuidmap (uidmap) is not installed";
  NobodySubids files("nobody:400000:65536\n");
  auto r = rerun("range", kSnapshotTests);
  EXPECT_EQ(r.output.find("SKIPPED"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace ocbuild::snapshot::test
