// Runs the RUN tests again as an unprivileged user (nobody, via setpriv),
// once without and once with a /etc/subuid range for it.
#include "snapshot/nobody_rerun.h"

namespace ocbuild::snapshot::test {
namespace {

constexpr const char* kRunTests = "RunTest.*:OverlayTest.*";

TEST_F(RerunAsNobodyTest, RunWithoutSubuidRange) {
  NobodySubids files("");
  auto r = rerun("none", kRunTests);
  EXPECT_EQ(r.output.find("SKIPPED"), std::string::npos) << r.output;
}

TEST_F(RerunAsNobodyTest, RunWithSubuidRange) {
  if (!ocbuild::testing::have_program("newuidmap")) GTEST_SKIP() << "newuidmap (uidmap) is not installed";
  NobodySubids files("nobody:400000:65536\n");
  auto r = rerun("range", kRunTests);
  EXPECT_EQ(r.output.find("SKIPPED"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace ocbuild::snapshot::test
