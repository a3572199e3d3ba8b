// The RUN --mount tests again as nobody (setpriv), without and with a
// /etc/subuid range: secrets, binds, caches and ssh sockets in rootless runs.
#include "snapshot/nobody_rerun.h"

namespace ocbuild::solver {
namespace {

using snapshot::test::NobodySubids;
using snapshot::test::RerunAsNobodyTest;

constexpr const char* kRunMountTests = "Drivers/RunMountsTest.*";

TEST_F(RerunAsNobodyTest, RunMountsWithoutSubuidRange) {
  NobodySubids files("");
  auto r = rerun("none", kRunMountTests);
  EXPECT_EQ(r.output.find("SKIPPED"), std::string::npos) << r.output;
}

TEST_F(RerunAsNobodyTest, RunMountsWithSubuidRange) {
  if (!ocbuild::testing::have_program("newuidmap")) GTEST_SKIP() << "newuidmap (uidmap) is not installed";
  NobodySubids files("nobody:400000:65536\n");
  auto r = rerun("range", kRunMountTests);
  EXPECT_EQ(r.output.find("SKIPPED"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace ocbuild::solver
